import { createInterface } from "node:readline/promises";
import { ScriptError } from "./prisma-cli";

// Questions for a person at a terminal. Prompts go to stderr so stdout stays clean for piping.

export const isInteractive = () => process.stdin.isTTY === true;

/** Asks a yes/no question; anything but "y" or "yes" is no. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export type HiddenInput = { value: string; state: "typing" | "done" | "cancelled" };

/** Applies one chunk of raw terminal input to a hidden line being typed (pure, so it can be unit-tested). */
export function applyHiddenInput(input: HiddenInput, chunk: string): HiddenInput {
  let { value } = input;
  // Arrow keys and other escape sequences (ESC [ … final byte) are not part of a password.
  for (const char of chunk.replace(/\u001b(\[[0-?]*[ -/]*[@-~]|O.|.)?/g, "")) {
    if (char === "\r" || char === "\n") return { value, state: "done" };
    if (char === "\u0003") return { value: "", state: "cancelled" }; // Ctrl-C: raw mode turns it into input
    if (char === "\u0004" && value === "") return { value: "", state: "cancelled" }; // Ctrl-D on an empty line
    if (char === "\u007f" || char === "\b") value = [...value].slice(0, -1).join("");
    else if (char >= " ") value += char;
  }
  return { value, state: "typing" };
}

/** Reads a line without echoing it (passwords). Needs a TTY on stdin. */
export function readHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Raw mode before the prompt appears: nothing typed in answer to it is ever echoed.
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let input: HiddenInput = { value: "", state: "typing" };
    const onData = (chunk: string) => {
      input = applyHiddenInput(input, chunk);
      if (input.state === "typing") return;
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (input.state === "done") resolve(input.value);
      else reject(new ScriptError("Cancelled; nothing was changed."));
    };
    stdin.on("data", onData);
  });
}
