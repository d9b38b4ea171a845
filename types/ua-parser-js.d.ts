// ua-parser-js 1.x (MIT) ships no types: the part of its API lib/browser-name.ts uses. Version 2 is AGPL-licensed,
// which an MIT starter cannot depend on.
declare module "ua-parser-js" {
  type Named = { name?: string; version?: string };
  class UAParser {
    constructor(userAgent?: string);
    getBrowser(): Named & { major?: string };
    getOS(): Named;
  }
  export = UAParser;
}
