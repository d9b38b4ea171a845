import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as zxcvbnCommon from "@zxcvbn-ts/language-common";
import * as zxcvbnEn from "@zxcvbn-ts/language-en";
import {
  STRENGTH_ESTIMATOR_LIMITS,
  STRENGTH_WARNING_OVERRIDES,
  type StrengthEstimate,
} from "@/lib/password-strength-rules";

// The browser's copy of the server's estimator (lib/password-strength.ts), built the same way. Only ever loaded
// with import(): the dictionaries are large and no page needs them up front.

const zxcvbn = new ZxcvbnFactory({
  ...STRENGTH_ESTIMATOR_LIMITS,
  dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
  graphs: zxcvbnCommon.adjacencyGraphs,
  translations: {
    ...zxcvbnEn.translations,
    warnings: { ...zxcvbnEn.translations.warnings, ...STRENGTH_WARNING_OVERRIDES },
  },
});

export function estimatePasswordStrength(password: string, userInputs: string[]): StrengthEstimate {
  const { score, feedback } = zxcvbn.check(password, userInputs);
  return { score, warning: feedback.warning, suggestions: feedback.suggestions };
}
