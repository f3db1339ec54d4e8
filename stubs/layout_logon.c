/* Prints the layout of the logon structures as mingw-w64's headers declare them -- ntsecapi.h's
 * SECURITY_LOGON_SESSION_DATA, LSA_LAST_INTER_LOGON_INFO and LSA_UNICODE_STRING, winnt.h's
 * LUID, lmwksta.h's WKSTA_USER_INFO_0/1/1101 -- as one JSON object (see layoutjson.h). Run
 * under Wine, it is the truth the ctypes declarations are checked against; so it uses only
 * the SDK headers, never the stand-ins' own declarations. */
#define _WIN32_WINNT 0x0A00 /* SECURITY_LOGON_SESSION_DATA's members from Vista on */
#include <windows.h>
#include <ntsecapi.h>
#include <lm.h>

#include "common/layoutjson.h"

#define F(T, m) {#m, offsetof(T, m)}
#define D(m) F(SECURITY_LOGON_SESSION_DATA, m)
static const member members_data[] = {
    D(Size), D(LogonId), D(UserName), D(LogonDomain), D(AuthenticationPackage), D(LogonType),
    D(Session), D(Sid), D(LogonTime), D(LogonServer), D(DnsDomainName), D(Upn), D(UserFlags),
    D(LastLogonInfo), D(LogonScript), D(ProfilePath), D(HomeDirectory), D(HomeDirectoryDrive),
    D(LogoffTime), D(KickOffTime), D(PasswordLastSet), D(PasswordCanChange),
    D(PasswordMustChange)};
static const member members_last[] = {
    F(LSA_LAST_INTER_LOGON_INFO, LastSuccessfulLogon),
    F(LSA_LAST_INTER_LOGON_INFO, LastFailedLogon),
    F(LSA_LAST_INTER_LOGON_INFO, FailedAttemptCountSinceLastSuccessfulLogon)};
static const member members_ustr[] = {F(LSA_UNICODE_STRING, Length),
                                      F(LSA_UNICODE_STRING, MaximumLength),
                                      F(LSA_UNICODE_STRING, Buffer)};
static const member members_luid[] = {F(LUID, LowPart), F(LUID, HighPart)};
static const member members_wk0[] = {F(WKSTA_USER_INFO_0, wkui0_username)};
static const member members_wk1[] = {
    F(WKSTA_USER_INFO_1, wkui1_username), F(WKSTA_USER_INFO_1, wkui1_logon_domain),
    F(WKSTA_USER_INFO_1, wkui1_oth_domains), F(WKSTA_USER_INFO_1, wkui1_logon_server)};
static const member members_wk1101[] = {F(WKSTA_USER_INFO_1101, wkui1101_oth_domains)};

static const layout layout_data =
    LAYOUT_OF("SECURITY_LOGON_SESSION_DATA", SECURITY_LOGON_SESSION_DATA, members_data);
static const layout layout_last =
    LAYOUT_OF("LSA_LAST_INTER_LOGON_INFO", LSA_LAST_INTER_LOGON_INFO, members_last);
/* ntsecapi.h's LSA_UNICODE_STRING is the metadata's UNICODE_STRING. */
static const layout layout_ustr = LAYOUT_OF("UNICODE_STRING", LSA_UNICODE_STRING, members_ustr);
static const layout layout_luid = LAYOUT_OF("LUID", LUID, members_luid);
static const layout layout_wk0 = LAYOUT_OF("WKSTA_USER_INFO_0", WKSTA_USER_INFO_0, members_wk0);
static const layout layout_wk1 = LAYOUT_OF("WKSTA_USER_INFO_1", WKSTA_USER_INFO_1, members_wk1);
static const layout layout_wk1101 =
    LAYOUT_OF("WKSTA_USER_INFO_1101", WKSTA_USER_INFO_1101, members_wk1101);

int main(void)
{
    static const layout *const layouts[] = {&layout_data, &layout_last, &layout_ustr,
                                            &layout_luid, &layout_wk0,  &layout_wk1,
                                            &layout_wk1101};
    print_layouts(layouts, sizeof layouts / sizeof layouts[0]);
    return 0;
}
