import { describe, expect, it } from "vitest";
import { hasPermission, PERMISSIONS, SEED_ROLES } from "../../lib/permissions";

// The one decision behind requirePermission (pages, actions) and authorizeRequest (API routes).
describe("hasPermission", () => {
  it("grants exactly the permissions the claims list", () => {
    expect(hasPermission({ permissions: [PERMISSIONS.usersRead] }, PERMISSIONS.usersRead)).toBe(true);
    expect(hasPermission({ permissions: [PERMISSIONS.usersRead] }, PERMISSIONS.usersWrite)).toBe(false);
    expect(hasPermission({ permissions: [] }, PERMISSIONS.usersRead)).toBe(false);
    // Near misses are not the permission.
    expect(hasPermission({ permissions: ["users:*", "USERS:READ", " users:read"] }, PERMISSIONS.usersRead)).toBe(false);
  });

  it("the seeded 'user' role has no admin permission; 'admin' has every one", () => {
    const user = SEED_ROLES.find((role) => role.name === "user")!;
    const admin = SEED_ROLES.find((role) => role.name === "admin")!;
    for (const permission of Object.values(PERMISSIONS)) {
      expect(hasPermission(admin, permission)).toBe(true);
      expect(hasPermission(user, permission)).toBe(false);
    }
  });
});
