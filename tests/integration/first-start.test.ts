import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedRolesOnFirstStart } from "../../lib/first-start";
import { DEFAULT_ROLE } from "../../lib/permissions";
import { createTestContext, type TestContext } from "../support/test-env";

// A database fresh from its migrations, as a new deployment's first start finds it: no roles, so no sign-up.
describe("roles on a new database's first start", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.cleanup());

  const emptyRoles = async () => {
    await ctx.db.rolePermission.deleteMany();
    await ctx.db.role.deleteMany();
    await ctx.db.permission.deleteMany();
  };

  it("adds the seed's roles and permissions when there are none, even with 5 instances starting at once", async () => {
    await emptyRoles();
    const results = await Promise.all(Array.from({ length: 5 }, () => seedRolesOnFirstStart(ctx.db)));
    expect(results).toContain(true);
    expect(await ctx.db.role.findUnique({ where: { name: DEFAULT_ROLE } })).not.toBeNull();
    expect(await ctx.db.rolePermission.count()).toBeGreaterThan(0);
  });

  it("leaves existing roles alone: a permission the operator took away stays away", async () => {
    const link = await ctx.db.rolePermission.findFirstOrThrow();
    await ctx.db.rolePermission.delete({
      where: { roleName_permissionName: { roleName: link.roleName, permissionName: link.permissionName } },
    });
    const count = await ctx.db.rolePermission.count();
    expect(await seedRolesOnFirstStart(ctx.db)).toBe(false);
    expect(await ctx.db.rolePermission.count()).toBe(count);
  });
});
