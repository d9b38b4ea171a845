import { z } from "zod";
import { TEAM_SIZES } from "./team-sizes";

// The demo two-step form. The draft is kept as server-side session data between the steps.

export const step1Schema = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(100, "At most 100 characters."),
  company: z.string().trim().min(1, "Enter your company or project.").max(100, "At most 100 characters."),
});

export const step2Schema = z.object({
  teamSize: z.enum(TEAM_SIZES, { message: "Choose a team size." }),
  goal: z.string().trim().max(500, "At most 500 characters."),
});

export const draftSchema = z.object({
  step1: step1Schema.optional(),
  step2: step2Schema.optional(),
  /** ISO time the second step was submitted. */
  completedAt: z.string().optional(),
});

export type OnboardingDraft = z.infer<typeof draftSchema>;
