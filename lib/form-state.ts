// What a form's server action returns to the client form.
export type FormState = {
  status: "idle" | "error" | "success";
  message?: string;
  fieldErrors?: Partial<Record<string, string[]>>;
  values?: Record<string, string>;
};

export const initialFormState: FormState = { status: "idle" };
