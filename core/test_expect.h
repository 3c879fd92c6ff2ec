/*
 * test_expect.h - the expectations of rule tests: expect_eq, expect_near,
 * expect_true, expect_false and expect_nil (SPEC section 5.6).
 *
 * A failing expectation raises "file:line: what failed" of the test code
 * that called it, then the expected and the actual value on lines of
 * their own; when the call was in a helper function of the test file,
 * the line of the test that called the helper too.  expect_eq compares
 * tables by content and names the first field that differs.
 */
#ifndef HUDDLE_TEST_EXPECT_H
#define HUDDLE_TEST_EXPECT_H

#include <lua.h>

/* Sets the expect_* functions as globals of L. */
void hd_texpect_install(lua_State *L);

/* Raises a test failure at the caller of the running C function, with a
 * printf-style headline (lua_pushfstring's formats) and no values. */
int hd_texpect_fail(lua_State *L, const char *fmt, ...);

/* Pushes a short description of the value at idx: nil, true, 12, 0.5,
 * "text", { 1, 2, name = "Ana" }. */
const char *hd_texpect_describe(lua_State *L, int idx);

#endif
