// Server actions are public endpoints: anyone can call one with any arguments React can encode (a string, an object,
// nothing). Actions that read a form check that they got one first, so other arguments get this message instead of
// a TypeError (an error page, HTTP 500).
export const MALFORMED_FORM_MESSAGE = "The form could not be read. Reload the page and try again.";

export function isFormData(value: unknown): value is FormData {
  return value instanceof FormData;
}

/** A text field of a submitted form; "" when it is missing or a file. */
export function formText(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}
