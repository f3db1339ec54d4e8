/* Prints the layout of the SESSION_INFO_* structures as mingw-w64's <lm.h> declares them,
 * as one JSON object: {"SESSION_INFO_0": {"size": 8, "fields": {"sesi0_cname": 0}}, ...}.
 * Run under Wine, it is the truth the ctypes declarations are checked against; so it uses
 * only the SDK headers, never the stand-in's own declarations. */
#include <windows.h>
#include <lm.h>

#include "common/layoutjson.h"

/* M(L, x) is member sesi<L>_x of SESSION_INFO_<L>; each level's list in declaration order,
 * written as the level it extends plus its own members, as lmshare.h documents them. */
#define M(L, x) {"sesi" #L "_" #x, offsetof(SESSION_INFO_##L, sesi##L##_##x)}
#define MEMBERS_0(L) M(L, cname)
#define MEMBERS_1(L)                                                                       \
    MEMBERS_0(L), M(L, username), M(L, num_opens), M(L, time), M(L, idle_time),            \
        M(L, user_flags)
#define MEMBERS_2(L) MEMBERS_1(L), M(L, cltype_name)
#define MEMBERS_502(L) MEMBERS_2(L), M(L, transport)
#define MEMBERS_10(L) MEMBERS_0(L), M(L, username), M(L, time), M(L, idle_time)

#define LEVEL(L)                                                                           \
    static const member members_##L[] = {MEMBERS_##L(L)};                                  \
    static const layout layout_##L = LAYOUT_OF("SESSION_INFO_" #L, SESSION_INFO_##L,       \
                                               members_##L);
LEVEL(0)
LEVEL(1)
LEVEL(2)
LEVEL(10)
LEVEL(502)

int main(void)
{
    static const layout *const layouts[] = {&layout_0, &layout_1, &layout_2, &layout_10,
                                            &layout_502};
    print_layouts(layouts, sizeof layouts / sizeof layouts[0]);
    return 0;
}
