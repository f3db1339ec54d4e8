/* Prints the layout of the SESSION_INFO_*, FILE_INFO_2/3 and CONNECTION_INFO_0/1 structures as mingw-w64's <lm.h> declares them,
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

/* lmshare.h's FILE_INFO_2/3 and CONNECTION_INFO_0/1, member by member. */
#define F(T, m) {#m, offsetof(T, m)}
static const member members_fi2[] = {F(FILE_INFO_2, fi2_id)};
static const member members_fi3[] = {F(FILE_INFO_3, fi3_id), F(FILE_INFO_3, fi3_permissions),
                                     F(FILE_INFO_3, fi3_num_locks),
                                     F(FILE_INFO_3, fi3_pathname),
                                     F(FILE_INFO_3, fi3_username)};
static const member members_coni0[] = {F(CONNECTION_INFO_0, coni0_id)};
static const member members_coni1[] = {
    F(CONNECTION_INFO_1, coni1_id),        F(CONNECTION_INFO_1, coni1_type),
    F(CONNECTION_INFO_1, coni1_num_opens), F(CONNECTION_INFO_1, coni1_num_users),
    F(CONNECTION_INFO_1, coni1_time),      F(CONNECTION_INFO_1, coni1_username),
    F(CONNECTION_INFO_1, coni1_netname)};
static const layout layout_fi2 = LAYOUT_OF("FILE_INFO_2", FILE_INFO_2, members_fi2);
static const layout layout_fi3 = LAYOUT_OF("FILE_INFO_3", FILE_INFO_3, members_fi3);
static const layout layout_coni0 =
    LAYOUT_OF("CONNECTION_INFO_0", CONNECTION_INFO_0, members_coni0);
static const layout layout_coni1 =
    LAYOUT_OF("CONNECTION_INFO_1", CONNECTION_INFO_1, members_coni1);

int main(void)
{
    static const layout *const layouts[] = {&layout_0,   &layout_1,     &layout_2,
                                            &layout_10,  &layout_502,   &layout_fi2,
                                            &layout_fi3, &layout_coni0, &layout_coni1};
    print_layouts(layouts, sizeof layouts / sizeof layouts[0]);
    return 0;
}
