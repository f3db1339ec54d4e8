"""Error codes returned by the session APIs, their Microsoft names and their messages.

:class:`NERR` holds every ``NERR_*`` code of ``lmerr.h`` (the LAN Manager network errors that
netapi32 returns as ``NET_API_STATUS``), :class:`WinError` the Win32 and RPC error codes that
netapi32, wtsapi32 and kernel32 return or set for the calls this library makes.

On Windows a message is Windows' own text, in the user's language, from ``FormatMessageW``:
the system message table for Win32, RPC and COM codes, and for ``NERR_*`` codes (2100 to 2999)
netmsg.dll's table, loaded from System32 as a data file -- what Microsoft's "Looking Up Text
for Error Code Numbers" sample does. Where Windows has no text for a code (Wine has no
netmsg.dll and lacks many system messages), and off Windows, the built-in English table
answers. It holds the texts Windows itself gives: for ``NERR_*`` codes the descriptions in the
Windows SDK's ``lmerr.h`` (the text of netmsg.dll), for Win32 and RPC codes the system message
table (``winerror.h`` MessageText). Each message is one line; insertion markers such as ``%1``
are kept as Windows has them.

>>> NERR.ClientNameNotFound
<NERR.ClientNameNotFound: 2312>
>>> symbol(2312), message(2312)
('NERR_ClientNameNotFound', 'A session does not exist with that computer name.')
>>> symbol(7022), message(7022)
('ERROR_CTX_WINSTATION_NOT_FOUND', 'The specified session cannot be found.')

(These need no simulator: off Windows they are the built-in texts, on an English Windows
Windows' own, which read the same. Wine words many system messages its own way: ``message(5)``
is "Access is denied." on Windows, "Access denied." in Wine.)
"""

from __future__ import annotations

import ctypes
import operator
import sys
from enum import IntEnum
from typing import Final, Optional

from . import _dll

__all__ = ["NERR", "WinError", "message", "symbol"]


def __dir__() -> list[str]:
    return list(__all__)  # public names only (not the imports and helpers)


class NERR(IntEnum):
    """The ``NERR_*`` network error codes of ``lmerr.h``, values exact.

    Members are named by the part after ``NERR_`` (``NERR.ClientNameNotFound == 2312``,
    ``NERR.Success == 0``, ``NERR.BASE == 2100``), so ``NERR["ClientNameNotFound"]`` looks a
    code up by its Microsoft name. :attr:`symbol` and ``str()`` give the full Microsoft name,
    ``"NERR_ClientNameNotFound"``; ``format()`` and f-strings give the number, as for ``int``.
    Where two names share a value the later is an alias of the first, and :attr:`symbol` is the
    first one's name.

    ``NERR_Success`` is 0, the same value as ``ERROR_SUCCESS``. ``NERR_BASE`` (2100) is the base
    of the range, not an error a function returns.

    >>> NERR(2312), NERR["UserNotFound"] == 2221
    (<NERR.ClientNameNotFound: 2312>, True)
    >>> str(NERR.ClientNameNotFound), f"{NERR.ClientNameNotFound}"
    ('NERR_ClientNameNotFound', '2312')
    """

    Success = 0
    BASE = 2100
    NetNotStarted = 2102
    UnknownServer = 2103
    ShareMem = 2104
    NoNetworkResource = 2105
    RemoteOnly = 2106
    DevNotRedirected = 2107
    ServerNotStarted = 2114
    ItemNotFound = 2115
    UnknownDevDir = 2116
    RedirectedPath = 2117
    DuplicateShare = 2118
    NoRoom = 2119
    TooManyItems = 2121
    InvalidMaxUsers = 2122
    BufTooSmall = 2123
    RemoteErr = 2127
    LanmanIniError = 2131
    NetworkError = 2136
    WkstaInconsistentState = 2137
    WkstaNotStarted = 2138
    BrowserNotStarted = 2139
    InternalError = 2140
    BadTransactConfig = 2141
    InvalidAPI = 2142
    BadEventName = 2143
    DupNameReboot = 2144
    CfgCompNotFound = 2146
    CfgParamNotFound = 2147
    LineTooLong = 2149
    QNotFound = 2150
    JobNotFound = 2151
    DestNotFound = 2152
    DestExists = 2153
    QExists = 2154
    QNoRoom = 2155
    JobNoRoom = 2156
    DestNoRoom = 2157
    DestIdle = 2158
    DestInvalidOp = 2159
    ProcNoRespond = 2160
    SpoolerNotLoaded = 2161
    DestInvalidState = 2162
    QInvalidState = 2163
    JobInvalidState = 2164
    SpoolNoMemory = 2165
    DriverNotFound = 2166
    DataTypeInvalid = 2167
    ProcNotFound = 2168
    ServiceTableLocked = 2180
    ServiceTableFull = 2181
    ServiceInstalled = 2182
    ServiceEntryLocked = 2183
    ServiceNotInstalled = 2184
    BadServiceName = 2185
    ServiceCtlTimeout = 2186
    ServiceCtlBusy = 2187
    BadServiceProgName = 2188
    ServiceNotCtrl = 2189
    ServiceKillProc = 2190
    ServiceCtlNotValid = 2191
    NotInDispatchTbl = 2192
    BadControlRecv = 2193
    ServiceNotStarting = 2194
    AlreadyLoggedOn = 2200
    NotLoggedOn = 2201
    BadUsername = 2202
    BadPassword = 2203
    UnableToAddName_W = 2204
    UnableToAddName_F = 2205
    UnableToDelName_W = 2206
    UnableToDelName_F = 2207
    LogonsPaused = 2209
    LogonServerConflict = 2210
    LogonNoUserPath = 2211
    LogonScriptError = 2212
    StandaloneLogon = 2214
    LogonServerNotFound = 2215
    LogonDomainExists = 2216
    NonValidatedLogon = 2217
    ACFNotFound = 2219
    GroupNotFound = 2220
    UserNotFound = 2221
    ResourceNotFound = 2222
    GroupExists = 2223
    UserExists = 2224
    ResourceExists = 2225
    NotPrimary = 2226
    ACFNotLoaded = 2227
    ACFNoRoom = 2228
    ACFFileIOFail = 2229
    ACFTooManyLists = 2230
    UserLogon = 2231
    ACFNoParent = 2232
    CanNotGrowSegment = 2233
    SpeGroupOp = 2234
    NotInCache = 2235
    UserInGroup = 2236
    UserNotInGroup = 2237
    AccountUndefined = 2238
    AccountExpired = 2239
    InvalidWorkstation = 2240
    InvalidLogonHours = 2241
    PasswordExpired = 2242
    PasswordCantChange = 2243
    PasswordHistConflict = 2244
    PasswordTooShort = 2245
    PasswordTooRecent = 2246
    InvalidDatabase = 2247
    DatabaseUpToDate = 2248
    SyncRequired = 2249
    UseNotFound = 2250
    BadAsgType = 2251
    DeviceIsShared = 2252
    SameAsComputerName = 2253
    NoComputerName = 2270
    MsgAlreadyStarted = 2271
    MsgInitFailed = 2272
    NameNotFound = 2273
    AlreadyForwarded = 2274
    AddForwarded = 2275
    AlreadyExists = 2276
    TooManyNames = 2277
    DelComputerName = 2278
    LocalForward = 2279
    GrpMsgProcessor = 2280
    PausedRemote = 2281
    BadReceive = 2282
    NameInUse = 2283
    MsgNotStarted = 2284
    NotLocalName = 2285
    NoForwardName = 2286
    RemoteFull = 2287
    NameNotForwarded = 2288
    TruncatedBroadcast = 2289
    InvalidDevice = 2294
    WriteFault = 2295
    DuplicateName = 2297
    DeleteLater = 2298
    IncompleteDel = 2299
    MultipleNets = 2300
    NetNameNotFound = 2310
    DeviceNotShared = 2311
    ClientNameNotFound = 2312
    FileIdNotFound = 2314
    ExecFailure = 2315
    TmpFile = 2316
    TooMuchData = 2317
    DeviceShareConflict = 2318
    BrowserTableIncomplete = 2319
    NotLocalDomain = 2320
    IsDfsShare = 2321
    DevInvalidOpCode = 2331
    DevNotFound = 2332
    DevNotOpen = 2333
    BadQueueDevString = 2334
    BadQueuePriority = 2335
    NoCommDevs = 2337
    QueueNotFound = 2338
    BadDevString = 2340
    BadDev = 2341
    InUseBySpooler = 2342
    CommDevInUse = 2343
    InvalidComputer = 2351
    MaxLenExceeded = 2354
    BadComponent = 2356
    CantType = 2357
    TooManyEntries = 2362
    ProfileFileTooBig = 2370
    ProfileOffset = 2371
    ProfileCleanup = 2372
    ProfileUnknownCmd = 2373
    ProfileLoadErr = 2374
    ProfileSaveErr = 2375
    LogOverflow = 2377
    LogFileChanged = 2378
    LogFileCorrupt = 2379
    SourceIsDir = 2380
    BadSource = 2381
    BadDest = 2382
    DifferentServers = 2383
    RunSrvPaused = 2385
    ErrCommRunSrv = 2389
    ErrorExecingGhost = 2391
    ShareNotFound = 2392
    InvalidLana = 2400
    OpenFiles = 2401
    ActiveConns = 2402
    BadPasswordCore = 2403
    DevInUse = 2404
    LocalDrive = 2405
    AlertExists = 2430
    TooManyAlerts = 2431
    NoSuchAlert = 2432
    BadRecipient = 2433
    AcctLimitExceeded = 2434
    InvalidLogSeek = 2440
    BadUasConfig = 2450
    InvalidUASOp = 2451
    LastAdmin = 2452
    DCNotFound = 2453
    LogonTrackingError = 2454
    NetlogonNotStarted = 2455
    CanNotGrowUASFile = 2456
    TimeDiffAtDC = 2457
    PasswordMismatch = 2458
    NoSuchServer = 2460
    NoSuchSession = 2461
    NoSuchConnection = 2462
    TooManyServers = 2463
    TooManySessions = 2464
    TooManyConnections = 2465
    TooManyFiles = 2466
    NoAlternateServers = 2467
    TryDownLevel = 2470
    UPSDriverNotStarted = 2480
    UPSInvalidConfig = 2481
    UPSInvalidCommPort = 2482
    UPSSignalAsserted = 2483
    UPSShutdownFailed = 2484
    BadDosRetCode = 2500
    ProgNeedsExtraMem = 2501
    BadDosFunction = 2502
    RemoteBootFailed = 2503
    BadFileCheckSum = 2504
    NoRplBootSystem = 2505
    RplLoadrNetBiosErr = 2506
    RplLoadrDiskErr = 2507
    ImageParamErr = 2508
    TooManyImageParams = 2509
    NonDosFloppyUsed = 2510
    RplBootRestart = 2511
    RplSrvrCallFailed = 2512
    CantConnectRplSrvr = 2513
    CantOpenImageFile = 2514
    CallingRplSrvr = 2515
    StartingRplBoot = 2516
    RplBootServiceTerm = 2517
    RplBootStartFailed = 2518
    RPL_CONNECTED = 2519
    BrowserConfiguredToNotRun = 2550
    RplNoAdaptersStarted = 2610
    RplBadRegistry = 2611
    RplBadDatabase = 2612
    RplRplfilesShare = 2613
    RplNotRplServer = 2614
    RplCannotEnum = 2615
    RplWkstaInfoCorrupted = 2616
    RplWkstaNotFound = 2617
    RplWkstaNameUnavailable = 2618
    RplProfileInfoCorrupted = 2619
    RplProfileNotFound = 2620
    RplProfileNameUnavailable = 2621
    RplProfileNotEmpty = 2622
    RplConfigInfoCorrupted = 2623
    RplConfigNotFound = 2624
    RplAdapterInfoCorrupted = 2625
    RplInternal = 2626
    RplVendorInfoCorrupted = 2627
    RplBootInfoCorrupted = 2628
    RplWkstaNeedsUserAcct = 2629
    RplNeedsRPLUSERAcct = 2630
    RplBootNotFound = 2631
    RplIncompatibleProfile = 2632
    RplAdapterNameUnavailable = 2633
    RplConfigNotEmpty = 2634
    RplBootInUse = 2635
    RplBackupDatabase = 2636
    RplAdapterNotFound = 2637
    RplVendorNotFound = 2638
    RplVendorNameUnavailable = 2639
    RplBootNameUnavailable = 2640
    RplConfigNameUnavailable = 2641
    DfsInternalCorruption = 2660
    DfsVolumeDataCorrupt = 2661
    DfsNoSuchVolume = 2662
    DfsVolumeAlreadyExists = 2663
    DfsAlreadyShared = 2664
    DfsNoSuchShare = 2665
    DfsNotALeafVolume = 2666
    DfsLeafVolume = 2667
    DfsVolumeHasMultipleServers = 2668
    DfsCantCreateJunctionPoint = 2669
    DfsServerNotDfsAware = 2670
    DfsBadRenamePath = 2671
    DfsVolumeIsOffline = 2672
    DfsNoSuchServer = 2673
    DfsCyclicalName = 2674
    DfsNotSupportedInServerDfs = 2675
    DfsDuplicateService = 2676
    DfsCantRemoveLastServerShare = 2677
    DfsVolumeIsInterDfs = 2678
    DfsInconsistent = 2679
    DfsServerUpgraded = 2680
    DfsDataIsIdentical = 2681
    DfsCantRemoveDfsRoot = 2682
    DfsChildOrParentInDfs = 2683
    DfsInternalError = 2690
    SetupAlreadyJoined = 2691
    SetupNotJoined = 2692
    SetupDomainController = 2693
    DefaultJoinRequired = 2694
    InvalidWorkgroupName = 2695
    NameUsesIncompatibleCodePage = 2696
    ComputerAccountNotFound = 2697
    PersonalSku = 2698
    SetupCheckDNSConfig = 2699
    AlreadyCloudDomainJoined = 2700
    PasswordMustChange = 2701
    AccountLockedOut = 2702
    PasswordTooLong = 2703
    PasswordNotComplexEnough = 2704
    PasswordFilterError = 2705
    NoOfflineJoinInfo = 2709
    BadOfflineJoinInfo = 2710
    CantCreateJoinInfo = 2711
    BadDomainJoinInfo = 2712
    JoinPerformedMustRestart = 2713
    NoJoinPending = 2714
    ValuesNotSet = 2715
    CantVerifyHostname = 2716
    CantLoadOfflineHive = 2717
    ConnectionInsecure = 2718
    ProvisioningBlobUnsupported = 2719
    DS8DCRequired = 2720
    LDAPCapableDCRequired = 2721
    DS8DCNotFound = 2722
    TargetVersionUnsupported = 2723
    InvalidMachineNameForJoin = 2724
    DS9DCNotFound = 2725
    PlainTextSecretsRequired = 2726
    CannotUnjoinAadDomain = 2727

    @property
    def symbol(self) -> str:
        """The Microsoft name, e.g. ``"NERR_ClientNameNotFound"``."""
        return "NERR_" + self.name

    def __str__(self) -> str:
        return self.symbol

    def __format__(self, format_spec: str) -> str:
        # The number, as on Python 3.11+, also on 3.9/3.10 where overriding __str__ would
        # otherwise make format() use it.
        return int.__format__(int(self), format_spec)


class WinError(IntEnum):
    """Win32 and RPC error codes returned by the calls this library makes, values exact.

    Members carry the full Microsoft names, which have differing prefixes
    (``WinError.ERROR_ACCESS_DENIED``, ``WinError.RPC_S_SERVER_UNAVAILABLE``). ``NO_ERROR`` is
    an alias of ``ERROR_SUCCESS`` (both 0). :attr:`symbol` and ``str()`` give the name;
    ``format()`` and f-strings give the number, as for ``int``.

    >>> WinError(5), WinError.ERROR_MORE_DATA == 234
    (<WinError.ERROR_ACCESS_DENIED: 5>, True)
    >>> WinError.NO_ERROR is WinError.ERROR_SUCCESS, str(WinError(1722))
    (True, 'RPC_S_SERVER_UNAVAILABLE')
    """

    ERROR_SUCCESS = 0
    NO_ERROR = 0
    ERROR_FILE_NOT_FOUND = 2
    ERROR_ACCESS_DENIED = 5
    ERROR_INVALID_HANDLE = 6
    ERROR_NOT_ENOUGH_MEMORY = 8
    ERROR_INVALID_DATA = 13
    ERROR_OUTOFMEMORY = 14
    ERROR_BAD_LENGTH = 24
    ERROR_NOT_SUPPORTED = 50
    ERROR_BAD_NETPATH = 53
    ERROR_NETWORK_BUSY = 54
    ERROR_BAD_NET_NAME = 67
    ERROR_INVALID_PARAMETER = 87
    ERROR_CALL_NOT_IMPLEMENTED = 120
    ERROR_INSUFFICIENT_BUFFER = 122
    ERROR_INVALID_NAME = 123
    ERROR_INVALID_LEVEL = 124
    ERROR_MORE_DATA = 234
    ERROR_NO_MORE_ITEMS = 259
    ERROR_OPERATION_ABORTED = 995
    ERROR_NO_TOKEN = 1008
    ERROR_SERVICE_NOT_ACTIVE = 1062
    ERROR_NOT_FOUND = 1168
    ERROR_EXTENDED_ERROR = 1208
    ERROR_INVALID_COMPUTERNAME = 1210
    ERROR_NO_NETWORK = 1222
    ERROR_NO_SUCH_LOGON_SESSION = 1312
    ERROR_NOT_ALL_ASSIGNED = 1300
    ERROR_PRIVILEGE_NOT_HELD = 1314
    ERROR_LOGON_FAILURE = 1326
    ERROR_NONE_MAPPED = 1332
    ERROR_BAD_TOKEN_TYPE = 1349
    ERROR_INVALID_SERVER_STATE = 1352
    ERROR_INTERNAL_ERROR = 1359
    ERROR_INVALID_WINDOW_HANDLE = 1400
    ERROR_CLASS_ALREADY_EXISTS = 1410
    ERROR_CLASS_DOES_NOT_EXIST = 1411
    ERROR_CLASS_HAS_WINDOWS = 1412
    ERROR_CANNOT_FIND_WND_CLASS = 1407
    ERROR_INVALID_THREAD_ID = 1444
    ERROR_TIMEOUT = 1460
    ERROR_INVALID_HANDLE_STATE = 1609
    RPC_S_INVALID_BINDING = 1702
    RPC_S_SERVER_UNAVAILABLE = 1722
    RPC_S_CALL_FAILED = 1726
    ERROR_NO_BROWSER_SERVERS_FOUND = 6118
    ERROR_CTX_WINSTATION_NAME_INVALID = 7001
    ERROR_CTX_CLOSE_PENDING = 7007
    ERROR_CTX_WINSTATION_NOT_FOUND = 7022
    ERROR_CTX_WINSTATION_BUSY = 7024
    ERROR_CTX_NOT_CONSOLE = 7038
    ERROR_CTX_WINSTATION_ACCESS_DENIED = 7045
    ERROR_CTX_SESSION_IN_USE = 7062

    @property
    def symbol(self) -> str:
        """The Microsoft name, e.g. ``"ERROR_ACCESS_DENIED"``."""
        return self.name

    def __str__(self) -> str:
        return self.name

    def __format__(self, format_spec: str) -> str:
        return int.__format__(int(self), format_spec)

    # HRESULTs of the COM calls (winsession.sens), as unsigned 32-bit values.
    E_NOTIMPL = 0x80004001
    E_NOINTERFACE = 0x80004002
    E_POINTER = 0x80004003
    E_ABORT = 0x80004004
    E_FAIL = 0x80004005
    E_UNEXPECTED = 0x8000FFFF
    E_ACCESSDENIED = 0x80070005
    E_HANDLE = 0x80070006
    E_OUTOFMEMORY = 0x8007000E
    E_INVALIDARG = 0x80070057
    RPC_E_CHANGED_MODE = 0x80010106
    RPC_E_DISCONNECTED = 0x80010108
    DISP_E_MEMBERNOTFOUND = 0x80020003
    DISP_E_TYPEMISMATCH = 0x80020005
    DISP_E_UNKNOWNNAME = 0x80020006
    DISP_E_BADPARAMCOUNT = 0x8002000E
    CLASS_E_NOAGGREGATION = 0x80040110
    REGDB_E_CLASSNOTREG = 0x80040154
    EVENT_E_QUERYSYNTAX = 0x80040203
    CO_E_NOTINITIALIZED = 0x800401F0
    CO_E_SERVER_EXEC_FAILURE = 0x80080005


# NERR texts: lmerr.h (Windows SDK), the descriptions netmsg.dll gives.
_NERR_MESSAGES: Final[dict[NERR, str]] = {
    NERR.Success: "The operation completed successfully.",
    NERR.BASE: "The base of the network (NERR_*) error codes; this value is not itself an error.",
    NERR.NetNotStarted: "The workstation driver is not installed.",
    NERR.UnknownServer: "The server could not be located.",
    NERR.ShareMem: "An internal error occurred. The network cannot access a shared memory segment.",
    NERR.NoNetworkResource: "A network resource shortage occurred.",
    NERR.RemoteOnly: "This operation is not supported on workstations.",
    NERR.DevNotRedirected: "The device is not connected.",
    NERR.ServerNotStarted: "The Server service is not started.",
    NERR.ItemNotFound: "The queue is empty.",
    NERR.UnknownDevDir: "The device or directory does not exist.",
    NERR.RedirectedPath: "The operation is invalid on a redirected resource.",
    NERR.DuplicateShare: "The name has already been shared.",
    NERR.NoRoom: "The server is currently out of the requested resource.",
    NERR.TooManyItems: "Requested addition of items exceeds the maximum allowed.",
    NERR.InvalidMaxUsers: "The Peer service supports only two simultaneous users.",
    NERR.BufTooSmall: "The API return buffer is too small.",
    NERR.RemoteErr: "A remote API error occurred.",
    NERR.LanmanIniError: "An error occurred when opening or reading the configuration file.",
    NERR.NetworkError: "A general network error occurred.",
    NERR.WkstaInconsistentState: (
        "The Workstation service is in an inconsistent state. Restart the computer before "
        "restarting the Workstation service."
    ),
    NERR.WkstaNotStarted: "The Workstation service has not been started.",
    NERR.BrowserNotStarted: "The requested information is not available.",
    NERR.InternalError: "An internal Windows error occurred.",
    NERR.BadTransactConfig: "The server is not configured for transactions.",
    NERR.InvalidAPI: "The requested API is not supported on the remote server.",
    NERR.BadEventName: "The event name is invalid.",
    NERR.DupNameReboot: (
        "The computer name already exists on the network. Change it and restart the computer."
    ),
    NERR.CfgCompNotFound: (
        "The specified component could not be found in the configuration information."
    ),
    NERR.CfgParamNotFound: (
        "The specified parameter could not be found in the configuration information."
    ),
    NERR.LineTooLong: "A line in the configuration file is too long.",
    NERR.QNotFound: "The printer does not exist.",
    NERR.JobNotFound: "The print job does not exist.",
    NERR.DestNotFound: "The printer destination cannot be found.",
    NERR.DestExists: "The printer destination already exists.",
    NERR.QExists: "The printer queue already exists.",
    NERR.QNoRoom: "No more printers can be added.",
    NERR.JobNoRoom: "No more print jobs can be added.",
    NERR.DestNoRoom: "No more printer destinations can be added.",
    NERR.DestIdle: "This printer destination is idle and cannot accept control operations.",
    NERR.DestInvalidOp: "This printer destination request contains an invalid control function.",
    NERR.ProcNoRespond: "The print processor is not responding.",
    NERR.SpoolerNotLoaded: "The spooler is not running.",
    NERR.DestInvalidState: (
        "This operation cannot be performed on the print destination in its current state."
    ),
    NERR.QInvalidState: (
        "This operation cannot be performed on the printer queue in its current state."
    ),
    NERR.JobInvalidState: (
        "This operation cannot be performed on the print job in its current state."
    ),
    NERR.SpoolNoMemory: "A spooler memory allocation failure occurred.",
    NERR.DriverNotFound: "The device driver does not exist.",
    NERR.DataTypeInvalid: "The data type is not supported by the print processor.",
    NERR.ProcNotFound: "The print processor is not installed.",
    NERR.ServiceTableLocked: "The service database is locked.",
    NERR.ServiceTableFull: "The service table is full.",
    NERR.ServiceInstalled: "The requested service has already been started.",
    NERR.ServiceEntryLocked: "The service does not respond to control actions.",
    NERR.ServiceNotInstalled: "The service has not been started.",
    NERR.BadServiceName: "The service name is invalid.",
    NERR.ServiceCtlTimeout: "The service is not responding to the control function.",
    NERR.ServiceCtlBusy: "The service control is busy.",
    NERR.BadServiceProgName: "The configuration file contains an invalid service program name.",
    NERR.ServiceNotCtrl: "The service could not be controlled in its present state.",
    NERR.ServiceKillProc: "The service ended abnormally.",
    NERR.ServiceCtlNotValid: (
        "The requested pause, continue, or stop is not valid for this service."
    ),
    NERR.NotInDispatchTbl: (
        "The service control dispatcher could not find the service name in the dispatch table."
    ),
    NERR.BadControlRecv: "The service control dispatcher pipe read failed.",
    NERR.ServiceNotStarting: "A thread for the new service could not be created.",
    NERR.AlreadyLoggedOn: "This workstation is already logged on to the local-area network.",
    NERR.NotLoggedOn: "The workstation is not logged on to the local-area network.",
    NERR.BadUsername: "The user name or group name parameter is invalid.",
    NERR.BadPassword: "The password parameter is invalid.",
    NERR.UnableToAddName_W: "The logon processor did not add the message alias.",
    NERR.UnableToAddName_F: "The logon processor did not add the message alias.",
    NERR.UnableToDelName_W: "The logoff processor did not delete the message alias.",
    NERR.UnableToDelName_F: "The logoff processor did not delete the message alias.",
    NERR.LogonsPaused: "Network logons are paused.",
    NERR.LogonServerConflict: "A centralized logon-server conflict occurred.",
    NERR.LogonNoUserPath: "The server is configured without a valid user path.",
    NERR.LogonScriptError: "An error occurred while loading or running the logon script.",
    NERR.StandaloneLogon: (
        "The logon server was not specified. Your computer will be logged on as STANDALONE."
    ),
    NERR.LogonServerNotFound: "The logon server could not be found.",
    NERR.LogonDomainExists: "There is already a logon domain for this computer.",
    NERR.NonValidatedLogon: "The logon server could not validate the logon.",
    NERR.ACFNotFound: "The security database could not be found.",
    NERR.GroupNotFound: "The group name could not be found.",
    NERR.UserNotFound: "The user name could not be found.",
    NERR.ResourceNotFound: "The resource name could not be found.",
    NERR.GroupExists: "The group already exists.",
    NERR.UserExists: "The account already exists.",
    NERR.ResourceExists: "The resource permission list already exists.",
    NERR.NotPrimary: (
        "This operation is only allowed on the primary domain controller of the domain."
    ),
    NERR.ACFNotLoaded: "The security database has not been started.",
    NERR.ACFNoRoom: "There are too many names in the user accounts database.",
    NERR.ACFFileIOFail: "A disk I/O failure occurred.",
    NERR.ACFTooManyLists: "The limit of 64 entries per resource was exceeded.",
    NERR.UserLogon: "Deleting a user with a session is not allowed.",
    NERR.ACFNoParent: "The parent directory could not be located.",
    NERR.CanNotGrowSegment: "Unable to add to the security database session cache segment.",
    NERR.SpeGroupOp: "This operation is not allowed on this special group.",
    NERR.NotInCache: "This user is not cached in user accounts database session cache.",
    NERR.UserInGroup: "The user already belongs to this group.",
    NERR.UserNotInGroup: "The user does not belong to this group.",
    NERR.AccountUndefined: "This user account is undefined.",
    NERR.AccountExpired: "This user account has expired.",
    NERR.InvalidWorkstation: "The user is not allowed to log on from this workstation.",
    NERR.InvalidLogonHours: "The user is not allowed to log on at this time.",
    NERR.PasswordExpired: "The password of this user has expired.",
    NERR.PasswordCantChange: "The password of this user cannot change.",
    NERR.PasswordHistConflict: "This password cannot be used now.",
    NERR.PasswordTooShort: (
        "The password does not meet the password policy requirements. Check the minimum password "
        "length, password complexity and password history requirements."
    ),
    NERR.PasswordTooRecent: "The password of this user is too recent to change.",
    NERR.InvalidDatabase: "The security database is corrupted.",
    NERR.DatabaseUpToDate: (
        "No updates are necessary to this replicant network/local security database."
    ),
    NERR.SyncRequired: "This replicant database is outdated; synchronization is required.",
    NERR.UseNotFound: "The network connection could not be found.",
    NERR.BadAsgType: "This asg_type is invalid.",
    NERR.DeviceIsShared: "This device is currently being shared.",
    NERR.SameAsComputerName: "The user name may not be same as computer name.",
    NERR.NoComputerName: (
        "The computer name could not be added as a message alias. The name may already exist on "
        "the network."
    ),
    NERR.MsgAlreadyStarted: "The Messenger service is already started.",
    NERR.MsgInitFailed: "The Messenger service failed to start.",
    NERR.NameNotFound: "The message alias could not be found on the network.",
    NERR.AlreadyForwarded: "This message alias has already been forwarded.",
    NERR.AddForwarded: "This message alias has been added but is still forwarded.",
    NERR.AlreadyExists: "This message alias already exists locally.",
    NERR.TooManyNames: "The maximum number of added message aliases has been exceeded.",
    NERR.DelComputerName: "The computer name could not be deleted.",
    NERR.LocalForward: "Messages cannot be forwarded back to the same workstation.",
    NERR.GrpMsgProcessor: "An error occurred in the domain message processor.",
    NERR.PausedRemote: "The message was sent, but the recipient has paused the Messenger service.",
    NERR.BadReceive: "The message was sent but not received.",
    NERR.NameInUse: "The message alias is currently in use. Try again later.",
    NERR.MsgNotStarted: "The Messenger service has not been started.",
    NERR.NotLocalName: "The name is not on the local computer.",
    NERR.NoForwardName: "The forwarded message alias could not be found on the network.",
    NERR.RemoteFull: "The message alias table on the remote station is full.",
    NERR.NameNotForwarded: "Messages for this alias are not currently being forwarded.",
    NERR.TruncatedBroadcast: "The broadcast message was truncated.",
    NERR.InvalidDevice: "This is an invalid device name.",
    NERR.WriteFault: "A write fault occurred.",
    NERR.DuplicateName: "A duplicate message alias exists on the network.",
    NERR.DeleteLater: "This message alias will be deleted later.",
    NERR.IncompleteDel: "The message alias was not successfully deleted from all networks.",
    NERR.MultipleNets: "This operation is not supported on computers with multiple networks.",
    NERR.NetNameNotFound: "This shared resource does not exist.",
    NERR.DeviceNotShared: "This device is not shared.",
    NERR.ClientNameNotFound: "A session does not exist with that computer name.",
    NERR.FileIdNotFound: "There is not an open file with that identification number.",
    NERR.ExecFailure: "A failure occurred when executing a remote administration command.",
    NERR.TmpFile: "A failure occurred when opening a remote temporary file.",
    NERR.TooMuchData: (
        "The data returned from a remote administration command has been truncated to 64K."
    ),
    NERR.DeviceShareConflict: (
        "This device cannot be shared as both a spooled and a non-spooled resource."
    ),
    NERR.BrowserTableIncomplete: "The information in the list of servers may be incorrect.",
    NERR.NotLocalDomain: "The computer is not active in this domain.",
    NERR.IsDfsShare: (
        "The share must be removed from the Distributed File System before it can be deleted."
    ),
    NERR.DevInvalidOpCode: "The operation is invalid for this device.",
    NERR.DevNotFound: "This device cannot be shared.",
    NERR.DevNotOpen: "This device was not open.",
    NERR.BadQueueDevString: "This device name list is invalid.",
    NERR.BadQueuePriority: "The queue priority is invalid.",
    NERR.NoCommDevs: "There are no shared communication devices.",
    NERR.QueueNotFound: "The queue you specified does not exist.",
    NERR.BadDevString: "This list of devices is invalid.",
    NERR.BadDev: "The requested device is invalid.",
    NERR.InUseBySpooler: "This device is already in use by the spooler.",
    NERR.CommDevInUse: "This device is already in use as a communication device.",
    NERR.InvalidComputer: "This computer name is invalid.",
    NERR.MaxLenExceeded: "The string and prefix specified are too long.",
    NERR.BadComponent: "This path component is invalid.",
    NERR.CantType: "Could not determine the type of input.",
    NERR.TooManyEntries: "The buffer for types is not big enough.",
    NERR.ProfileFileTooBig: "Profile files cannot exceed 64K.",
    NERR.ProfileOffset: "The start offset is out of range.",
    NERR.ProfileCleanup: "The system cannot delete current connections to network resources.",
    NERR.ProfileUnknownCmd: "The system was unable to parse the command line in this file.",
    NERR.ProfileLoadErr: "An error occurred while loading the profile file.",
    NERR.ProfileSaveErr: (
        "Errors occurred while saving the profile file. The profile was partially saved."
    ),
    NERR.LogOverflow: "Log file %1 is full.",
    NERR.LogFileChanged: "This log file has changed between reads.",
    NERR.LogFileCorrupt: "Log file %1 is corrupt.",
    NERR.SourceIsDir: "The source path cannot be a directory.",
    NERR.BadSource: "The source path is illegal.",
    NERR.BadDest: "The destination path is illegal.",
    NERR.DifferentServers: "The source and destination paths are on different servers.",
    NERR.RunSrvPaused: "The Run server you requested is paused.",
    NERR.ErrCommRunSrv: "An error occurred when communicating with a Run server.",
    NERR.ErrorExecingGhost: "An error occurred when starting a background process.",
    NERR.ShareNotFound: "The shared resource you are connected to could not be found.",
    NERR.InvalidLana: "The LAN adapter number is invalid.",
    NERR.OpenFiles: "There are open files on the connection.",
    NERR.ActiveConns: "Active connections still exist.",
    NERR.BadPasswordCore: "This share name or password is invalid.",
    NERR.DevInUse: "The device is being accessed by an active process.",
    NERR.LocalDrive: "The drive letter is in use locally.",
    NERR.AlertExists: "The specified client is already registered for the specified event.",
    NERR.TooManyAlerts: "The alert table is full.",
    NERR.NoSuchAlert: "An invalid or nonexistent alert name was raised.",
    NERR.BadRecipient: "The alert recipient is invalid.",
    NERR.AcctLimitExceeded: (
        "A user's session with this server has been deleted because the user's logon hours are no "
        "longer valid."
    ),
    NERR.InvalidLogSeek: "The log file does not contain the requested record number.",
    NERR.BadUasConfig: "The user accounts database is not configured correctly.",
    NERR.InvalidUASOp: "This operation is not permitted when the Netlogon service is running.",
    NERR.LastAdmin: "This operation is not allowed on the last administrative account.",
    NERR.DCNotFound: "Could not find domain controller for this domain.",
    NERR.LogonTrackingError: "Could not set logon information for this user.",
    NERR.NetlogonNotStarted: "The Netlogon service has not been started.",
    NERR.CanNotGrowUASFile: "Unable to add to the user accounts database.",
    NERR.TimeDiffAtDC: (
        "This server's clock is not synchronized with the primary domain controller's clock."
    ),
    NERR.PasswordMismatch: "A password mismatch has been detected.",
    NERR.NoSuchServer: "The server identification does not specify a valid server.",
    NERR.NoSuchSession: "The session identification does not specify a valid session.",
    NERR.NoSuchConnection: "The connection identification does not specify a valid connection.",
    NERR.TooManyServers: "There is no space for another entry in the table of available servers.",
    NERR.TooManySessions: "The server has reached the maximum number of sessions it supports.",
    NERR.TooManyConnections: (
        "The server has reached the maximum number of connections it supports."
    ),
    NERR.TooManyFiles: (
        "The server cannot open more files because it has reached its maximum number."
    ),
    NERR.NoAlternateServers: "There are no alternate servers registered on this server.",
    NERR.TryDownLevel: "Try down-level (remote admin protocol) version of API instead.",
    NERR.UPSDriverNotStarted: "The UPS driver could not be accessed by the UPS service.",
    NERR.UPSInvalidConfig: "The UPS service is not configured correctly.",
    NERR.UPSInvalidCommPort: "The UPS service could not access the specified Comm Port.",
    NERR.UPSSignalAsserted: (
        "The UPS indicated a line fail or low battery situation. Service not started."
    ),
    NERR.UPSShutdownFailed: "The UPS service failed to perform a system shut down.",
    NERR.BadDosRetCode: "The program below returned an MS-DOS error code.",
    NERR.ProgNeedsExtraMem: "The program below needs more memory.",
    NERR.BadDosFunction: "The program below called an unsupported MS-DOS function.",
    NERR.RemoteBootFailed: "The workstation failed to boot.",
    NERR.BadFileCheckSum: "The file below is corrupt.",
    NERR.NoRplBootSystem: "No loader is specified in the boot-block definition file.",
    NERR.RplLoadrNetBiosErr: "NetBIOS returned an error: The NCB and SMB are dumped above.",
    NERR.RplLoadrDiskErr: "A disk I/O error occurred.",
    NERR.ImageParamErr: "Image parameter substitution failed.",
    NERR.TooManyImageParams: "Too many image parameters cross disk sector boundaries.",
    NERR.NonDosFloppyUsed: "The image was not generated from an MS-DOS diskette formatted with /S.",
    NERR.RplBootRestart: "Remote boot will be restarted later.",
    NERR.RplSrvrCallFailed: "The call to the Remoteboot server failed.",
    NERR.CantConnectRplSrvr: "Cannot connect to the Remoteboot server.",
    NERR.CantOpenImageFile: "Cannot open image file on the Remoteboot server.",
    NERR.CallingRplSrvr: "Connecting to the Remoteboot server...",
    NERR.StartingRplBoot: "Connecting to the Remoteboot server...",
    NERR.RplBootServiceTerm: (
        "Remote boot service was stopped; check the error log for the cause of the problem."
    ),
    NERR.RplBootStartFailed: (
        "Remote boot startup failed; check the error log for the cause of the problem."
    ),
    NERR.RPL_CONNECTED: "A second connection to a Remoteboot resource is not allowed.",
    NERR.BrowserConfiguredToNotRun: (
        "The browser service was configured with MaintainServerList=No."
    ),
    NERR.RplNoAdaptersStarted: (
        "Service failed to start since none of the network adapters started with this service."
    ),
    NERR.RplBadRegistry: "Service failed to start due to bad startup information in the registry.",
    NERR.RplBadDatabase: "Service failed to start because its database is absent or corrupt.",
    NERR.RplRplfilesShare: "Service failed to start because RPLFILES share is absent.",
    NERR.RplNotRplServer: "Service failed to start because RPLUSER group is absent.",
    NERR.RplCannotEnum: "Cannot enumerate service records.",
    NERR.RplWkstaInfoCorrupted: "Workstation record information has been corrupted.",
    NERR.RplWkstaNotFound: "Workstation record was not found.",
    NERR.RplWkstaNameUnavailable: "Workstation name is in use by some other workstation.",
    NERR.RplProfileInfoCorrupted: "Profile record information has been corrupted.",
    NERR.RplProfileNotFound: "Profile record was not found.",
    NERR.RplProfileNameUnavailable: "Profile name is in use by some other profile.",
    NERR.RplProfileNotEmpty: "There are workstations using this profile.",
    NERR.RplConfigInfoCorrupted: "Configuration record information has been corrupted.",
    NERR.RplConfigNotFound: "Configuration record was not found.",
    NERR.RplAdapterInfoCorrupted: "Adapter id record information has been corrupted.",
    NERR.RplInternal: "An internal service error has occurred.",
    NERR.RplVendorInfoCorrupted: "Vendor id record information has been corrupted.",
    NERR.RplBootInfoCorrupted: "Boot block record information has been corrupted.",
    NERR.RplWkstaNeedsUserAcct: "The user account for this workstation record is missing.",
    NERR.RplNeedsRPLUSERAcct: "The RPLUSER local group could not be found.",
    NERR.RplBootNotFound: "Boot block record was not found.",
    NERR.RplIncompatibleProfile: "Chosen profile is incompatible with this workstation.",
    NERR.RplAdapterNameUnavailable: (
        "Chosen network adapter id is in use by some other workstation."
    ),
    NERR.RplConfigNotEmpty: "There are profiles using this configuration.",
    NERR.RplBootInUse: "There are workstations, profiles or configurations using this boot block.",
    NERR.RplBackupDatabase: "Service failed to backup Remoteboot database.",
    NERR.RplAdapterNotFound: "Adapter record was not found.",
    NERR.RplVendorNotFound: "Vendor record was not found.",
    NERR.RplVendorNameUnavailable: "Vendor name is in use by some other vendor record.",
    NERR.RplBootNameUnavailable: (
        "(boot name, vendor id) is in use by some other boot block record."
    ),
    NERR.RplConfigNameUnavailable: "Configuration name is in use by some other configuration.",
    NERR.DfsInternalCorruption: "The internal database maintained by the DFS service is corrupt.",
    NERR.DfsVolumeDataCorrupt: "One of the records in the internal DFS database is corrupt.",
    NERR.DfsNoSuchVolume: "There is no DFS name whose entry path matches the input Entry Path.",
    NERR.DfsVolumeAlreadyExists: "A root or link with the given name already exists.",
    NERR.DfsAlreadyShared: "The server share specified is already shared in the DFS.",
    NERR.DfsNoSuchShare: "The indicated server share does not support the indicated DFS namespace.",
    NERR.DfsNotALeafVolume: "The operation is not valid on this portion of the namespace.",
    NERR.DfsLeafVolume: "The operation is not valid on this portion of the namespace.",
    NERR.DfsVolumeHasMultipleServers: (
        "The operation is ambiguous because the link has multiple servers."
    ),
    NERR.DfsCantCreateJunctionPoint: "Unable to create a link.",
    NERR.DfsServerNotDfsAware: "The server is not DFS Aware.",
    NERR.DfsBadRenamePath: "The specified rename target path is invalid.",
    NERR.DfsVolumeIsOffline: "The specified DFS link is offline.",
    NERR.DfsNoSuchServer: "The specified server is not a server for this link.",
    NERR.DfsCyclicalName: "A cycle in the DFS name was detected.",
    NERR.DfsNotSupportedInServerDfs: "The operation is not supported on a server-based DFS.",
    NERR.DfsDuplicateService: "This link is already supported by the specified server-share.",
    NERR.DfsCantRemoveLastServerShare: (
        "Can't remove the last server-share supporting this root or link."
    ),
    NERR.DfsVolumeIsInterDfs: "The operation is not supported for an Inter-DFS link.",
    NERR.DfsInconsistent: "The internal state of the DFS Service has become inconsistent.",
    NERR.DfsServerUpgraded: "The DFS Service has been installed on the specified server.",
    NERR.DfsDataIsIdentical: "The DFS data being reconciled is identical.",
    NERR.DfsCantRemoveDfsRoot: "The DFS root cannot be deleted - Uninstall DFS if required.",
    NERR.DfsChildOrParentInDfs: "A child or parent directory of the share is already in a DFS.",
    NERR.DfsInternalError: "DFS internal error.",
    NERR.SetupAlreadyJoined: "This machine is already joined to a domain.",
    NERR.SetupNotJoined: "This machine is not currently joined to a domain.",
    NERR.SetupDomainController: (
        "This machine is a domain controller and cannot be unjoined from a domain."
    ),
    NERR.DefaultJoinRequired: (
        "The destination domain controller does not support creating machine accounts in OUs."
    ),
    NERR.InvalidWorkgroupName: "The specified workgroup name is invalid.",
    NERR.NameUsesIncompatibleCodePage: (
        "The specified computer name is incompatible with the default language used on the domain "
        "controller."
    ),
    NERR.ComputerAccountNotFound: (
        "The specified computer account could not be found. Contact an administrator to verify "
        "the account is in the domain. If the account has been deleted unjoin, reboot, and rejoin "
        "the domain."
    ),
    NERR.PersonalSku: "This version of Windows cannot be joined to a domain.",
    NERR.SetupCheckDNSConfig: (
        "An attempt to resolve the DNS name of a domain controller in the domain being joined has "
        "failed. Please verify this client is configured to reach a DNS server that can resolve "
        "DNS names in the target domain. For information about network troubleshooting, see "
        "Windows Help."
    ),
    NERR.AlreadyCloudDomainJoined: (
        "This device is joined to Azure AD. To join an Active Directory domain, you must first go "
        "to settings and choose to disconnect your device from your work or school."
    ),
    NERR.PasswordMustChange: "Password must change at next logon.",
    NERR.AccountLockedOut: "Account is locked out.",
    NERR.PasswordTooLong: "Password is too long.",
    NERR.PasswordNotComplexEnough: "Password doesn't meet the complexity policy.",
    NERR.PasswordFilterError: "Password doesn't meet the requirements of the filter dll's.",
    NERR.NoOfflineJoinInfo: "Offline join completion information was not found.",
    NERR.BadOfflineJoinInfo: "The offline join completion information was bad.",
    NERR.CantCreateJoinInfo: (
        "Unable to create offline join information. Please ensure you have access to the "
        "specified path location and permissions to modify its contents. Running as an elevated "
        "administrator may be required."
    ),
    NERR.BadDomainJoinInfo: "The domain join info being saved was incomplete or bad.",
    NERR.JoinPerformedMustRestart: (
        "Offline join operation successfully completed but a restart is needed."
    ),
    NERR.NoJoinPending: "There was no offline join operation pending.",
    NERR.ValuesNotSet: (
        "Unable to set one or more requested machine or domain name values on the local computer."
    ),
    NERR.CantVerifyHostname: (
        "Could not verify the current machine's hostname against the saved value in the join "
        "completion information."
    ),
    NERR.CantLoadOfflineHive: (
        "Unable to load the specified offline registry hive. Please ensure you have access to the "
        "specified path location and permissions to modify its contents. Running as an elevated "
        "administrator may be required."
    ),
    NERR.ConnectionInsecure: (
        "The minimum session security requirements for this operation were not met."
    ),
    NERR.ProvisioningBlobUnsupported: (
        "Computer account provisioning blob version is not supported."
    ),
    NERR.DS8DCRequired: (
        "The specified domain controller does not meet the version requirement for this "
        "operation. Please select a domain controller capable of issuing claims."
    ),
    NERR.LDAPCapableDCRequired: (
        "This operation requires a domain controller which supports LDAP. Please select an "
        "LDAP-capable domain controller."
    ),
    NERR.DS8DCNotFound: (
        "A domain controller which meets the version requirement for this operation could not be "
        "located. Please ensure that a domain controller capable of issuing claims is available."
    ),
    NERR.TargetVersionUnsupported: (
        "The Windows version of the specified image does not support provisioning."
    ),
    NERR.InvalidMachineNameForJoin: "The machine name is blocked from joining the domain.",
    NERR.DS9DCNotFound: (
        "The domain controller does not meet the version requirement for this operation. See "
        "http://go.microsoft.com/fwlink/?LinkId=294288 for more information."
    ),
    NERR.PlainTextSecretsRequired: (
        "The local machine does not allow querying of LSA secrets in plain-text."
    ),
    NERR.CannotUnjoinAadDomain: (
        "Unable to leave the Azure AD domain that this machine is joined to. Check the event log "
        "for detailed error information."
    ),
}

# Win32/RPC texts: the system message table (winerror.h MessageText).
_WINERROR_MESSAGES: Final[dict[WinError, str]] = {
    WinError.ERROR_SUCCESS: "The operation completed successfully.",
    WinError.ERROR_FILE_NOT_FOUND: "The system cannot find the file specified.",
    WinError.ERROR_ACCESS_DENIED: "Access is denied.",
    WinError.ERROR_INVALID_HANDLE: "The handle is invalid.",
    WinError.ERROR_NOT_ENOUGH_MEMORY: (
        "Not enough memory resources are available to process this command."
    ),
    WinError.ERROR_INVALID_DATA: "The data is invalid.",
    WinError.ERROR_OUTOFMEMORY: (
        "Not enough memory resources are available to complete this operation."
    ),
    WinError.ERROR_BAD_LENGTH: "The program issued a command but the command length is incorrect.",
    WinError.ERROR_NOT_SUPPORTED: "The request is not supported.",
    WinError.ERROR_BAD_NETPATH: "The network path was not found.",
    WinError.ERROR_NETWORK_BUSY: "The network is busy.",
    WinError.ERROR_BAD_NET_NAME: "The network name cannot be found.",
    WinError.ERROR_INVALID_PARAMETER: "The parameter is incorrect.",
    WinError.ERROR_CALL_NOT_IMPLEMENTED: "This function is not supported on this system.",
    WinError.ERROR_INSUFFICIENT_BUFFER: "The data area passed to a system call is too small.",
    WinError.ERROR_INVALID_NAME: (
        "The filename, directory name, or volume label syntax is incorrect."
    ),
    WinError.ERROR_INVALID_LEVEL: "The system call level is not correct.",
    WinError.ERROR_MORE_DATA: "More data is available.",
    WinError.ERROR_NO_MORE_ITEMS: "No more data is available.",
    WinError.ERROR_OPERATION_ABORTED: (
        "The I/O operation has been aborted because of either a thread exit or an application "
        "request."
    ),
    WinError.ERROR_NO_TOKEN: "An attempt was made to reference a token that does not exist.",
    WinError.ERROR_SERVICE_NOT_ACTIVE: "The service has not been started.",
    WinError.ERROR_NOT_FOUND: "Element not found.",
    WinError.ERROR_EXTENDED_ERROR: "An extended error has occurred.",
    WinError.ERROR_INVALID_COMPUTERNAME: "The format of the specified computer name is invalid.",
    WinError.ERROR_NO_NETWORK: "The network is not present or not started.",
    WinError.ERROR_NO_SUCH_LOGON_SESSION: (
        "A specified logon session does not exist. It may already have been terminated."
    ),
    WinError.ERROR_NOT_ALL_ASSIGNED: (
        "Not all privileges or groups referenced are assigned to the caller."
    ),
    WinError.ERROR_PRIVILEGE_NOT_HELD: "A required privilege is not held by the client.",
    WinError.ERROR_NONE_MAPPED: "No mapping between account names and security IDs was done.",
    WinError.ERROR_BAD_TOKEN_TYPE: (
        "The type of a token object is inappropriate for its attempted use."
    ),
    WinError.ERROR_INVALID_WINDOW_HANDLE: "Invalid window handle.",
    WinError.ERROR_CLASS_ALREADY_EXISTS: "Class already exists.",
    WinError.ERROR_CLASS_DOES_NOT_EXIST: "Class does not exist.",
    WinError.ERROR_CLASS_HAS_WINDOWS: "Class still has open windows.",
    WinError.ERROR_CANNOT_FIND_WND_CLASS: "Cannot find window class.",
    WinError.ERROR_INVALID_THREAD_ID: "Invalid thread identifier.",
    WinError.ERROR_LOGON_FAILURE: "The user name or password is incorrect.",
    WinError.ERROR_INVALID_SERVER_STATE: (
        "The security account manager (SAM) or local security authority (LSA) server was in the "
        "wrong state to perform the security operation."
    ),
    WinError.ERROR_TIMEOUT: "This operation returned because the timeout period expired.",
    WinError.ERROR_INTERNAL_ERROR: "An internal error occurred.",
    WinError.ERROR_INVALID_HANDLE_STATE: "Handle is in an invalid state.",
    WinError.RPC_S_INVALID_BINDING: "The binding handle is invalid.",
    WinError.RPC_S_SERVER_UNAVAILABLE: "The RPC server is unavailable.",
    WinError.RPC_S_CALL_FAILED: "The remote procedure call failed.",
    WinError.ERROR_NO_BROWSER_SERVERS_FOUND: (
        "The list of servers for this workgroup is not currently available."
    ),
    WinError.ERROR_CTX_WINSTATION_NAME_INVALID: "The specified session name is invalid.",
    WinError.ERROR_CTX_CLOSE_PENDING: "A close operation is pending on the session.",
    WinError.ERROR_CTX_WINSTATION_NOT_FOUND: "The specified session cannot be found.",
    WinError.ERROR_CTX_WINSTATION_BUSY: (
        "The task you are trying to do can't be completed because Remote Desktop Services is "
        "currently busy. Please try again in a few minutes. Other users should still be able to "
        "log on."
    ),
    WinError.ERROR_CTX_NOT_CONSOLE: (
        "The requested operation can be performed only on the system console. This is most often "
        "the result of a driver or system DLL requiring direct console access."
    ),
    WinError.ERROR_CTX_WINSTATION_ACCESS_DENIED: "The requested session access is denied.",
    WinError.ERROR_CTX_SESSION_IN_USE: (
        "The user %s\\%s is currently logged on to this computer. Only the current user or an "
        "administrator can log on to this computer."
    ),
    WinError.E_NOTIMPL: "Not implemented.",
    WinError.E_NOINTERFACE: "No such interface supported.",
    WinError.E_POINTER: "Invalid pointer.",
    WinError.E_ABORT: "Operation aborted.",
    WinError.E_FAIL: "Unspecified error.",
    WinError.E_UNEXPECTED: "Catastrophic failure.",
    WinError.E_ACCESSDENIED: "Access is denied.",
    WinError.E_HANDLE: "The handle is invalid.",
    WinError.E_OUTOFMEMORY: (
        "Not enough memory resources are available to complete this operation."
    ),
    WinError.E_INVALIDARG: "The parameter is incorrect.",
    WinError.RPC_E_CHANGED_MODE: "Cannot change thread mode after it is set.",
    WinError.RPC_E_DISCONNECTED: "The object invoked has disconnected from its clients.",
    WinError.DISP_E_MEMBERNOTFOUND: "Member not found.",
    WinError.DISP_E_TYPEMISMATCH: "Type mismatch.",
    WinError.DISP_E_UNKNOWNNAME: "Unknown name.",
    WinError.DISP_E_BADPARAMCOUNT: "Invalid number of parameters.",
    WinError.CLASS_E_NOAGGREGATION: (
        "Class does not support aggregation (or class object is remote)."
    ),
    WinError.REGDB_E_CLASSNOTREG: "Class not registered.",
    WinError.EVENT_E_QUERYSYNTAX: "A syntax error occurred trying to evaluate a query string.",
    WinError.CO_E_NOTINITIALIZED: "CoInitialize has not been called.",
    WinError.CO_E_SERVER_EXEC_FAILURE: "Server execution failed.",
}

# Lookup by plain int. NERR first: the two enums share only 0 (NERR_Success/ERROR_SUCCESS).
_SYMBOLS: Final[dict[int, str]] = {
    **{int(code): code.symbol for code in WinError},
    **{int(code): code.symbol for code in NERR},
}
_MESSAGES: Final[dict[int, str]] = {
    **{int(code): text for code, text in _WINERROR_MESSAGES.items()},
    **{int(code): text for code, text in _NERR_MESSAGES.items()},
}


def _as_code(code: int) -> int:
    if not isinstance(code, bool):
        try:
            return operator.index(code)
        except TypeError:
            pass
    raise TypeError(f"code must be an int, not {type(code).__name__}")


def _key(value: int) -> int:
    # HRESULTs arrive signed from ctypes (HRESULT is a LONG); the tables hold them unsigned.
    return value + 0x1_0000_0000 if -0x8000_0000 <= value < 0 else value


def _hex(value: int) -> str:
    if -0x8000_0000 <= value < 0:
        value += 0x1_0000_0000  # a negative HRESULT/NTSTATUS-style value read as signed
    if value < 0:
        return f"-0x{-value:08X}"
    return f"0x{value:08X}"


def symbol(code: int) -> str:
    """The Microsoft symbolic name of an error code.

    A :class:`NERR` or :class:`WinError` member gives its own name. A plain ``int`` is looked up
    in :class:`NERR` first (so 0 gives ``"NERR_Success"``), then in :class:`WinError`; a code in
    neither gives its hexadecimal form, ``"0x%08X"``. A negative 32-bit value is read as the
    unsigned one, as an ``HRESULT`` from ctypes is signed.

    >>> symbol(2312), symbol(5), symbol(0)
    ('NERR_ClientNameNotFound', 'ERROR_ACCESS_DENIED', 'NERR_Success')
    >>> symbol(-2147467259), symbol(123456)
    ('E_FAIL', '0x0001E240')

    Raises:
        TypeError: ``code`` is not an integer.
    """
    if isinstance(code, (NERR, WinError)):
        return code.symbol
    value = _as_code(code)
    return _SYMBOLS.get(_key(value)) or _hex(value)


def message(code: int) -> str:
    """A one-line message for an error code.

    On Windows, Windows' own text in the user's language (``FormatMessageW``: the system table,
    or netmsg.dll's for ``NERR_*`` codes); where Windows has none, and off Windows, the built-in
    English text of every member of :class:`NERR` and :class:`WinError`; any other code gives
    ``"Unknown error 0x%08X (%d)."``.

    >>> message(2221)
    'The user name could not be found.'
    >>> message(123456)
    'Unknown error 0x0001E240 (123456).'

    Raises:
        TypeError: ``code`` is not an integer.
    """
    value = _as_code(code)
    text = _windows_message(_key(value))
    if text is None:
        text = _MESSAGES.get(_key(value))
    if text is None:
        return f"Unknown error {_hex(value)} ({value})."
    return text


def _english(code: int) -> Optional[str]:
    """The built-in English text of ``code``, or ``None`` (what :func:`message` falls back to)."""
    return _MESSAGES.get(_key(_as_code(code)))


# lmerr.h: NERR_BASE 2100, MAX_NERR NERR_BASE + 899. netmsg.dll holds these codes' texts.
_NERR_RANGE: Final = range(2100, 2999 + 1)
_MESSAGE_CHARS: Final = 1024  # a bound on what is read back; Windows' texts are far shorter


def _windows_message(code: int) -> Optional[str]:
    """``FormatMessageW``'s text for ``code`` (0 <= code < 2**32), ``None`` if Windows has none.

    Not used off Windows, nor while :mod:`winsession.testing` simulates kernel32 (the
    simulated Windows has no message tables).
    """
    if sys.platform != "win32" or not 0 <= code < 2**32:
        return None
    from .raw import kernel32  # below codes (it imports _dll and _types only); Windows only

    if _dll.is_simulated("kernel32"):
        return None
    # No inserts are expanded (no arguments are passed); regular line breaks become spaces.
    flags = kernel32.FORMAT_MESSAGE_IGNORE_INSERTS | kernel32.FORMAT_MESSAGE_MAX_WIDTH_MASK
    source: Optional[int] = None
    if code in _NERR_RANGE:
        source = _dll.data_file("netmsg.dll")
        if source is None:
            return None
        flags |= kernel32.FORMAT_MESSAGE_FROM_HMODULE
    else:
        flags |= kernel32.FORMAT_MESSAGE_FROM_SYSTEM
    buffer = ctypes.create_unicode_buffer(_MESSAGE_CHARS)
    length = kernel32.FormatMessageW(flags, source, code, 0, buffer, _MESSAGE_CHARS, None)
    if not length:
        return None
    return _one_line(buffer.value[:length])


def _one_line(text: str) -> Optional[str]:
    """Windows' text as one line: line breaks and runs of white space become one space, and
    any other character that does not print (a control or format character) becomes U+FFFD."""
    line = " ".join(text.split())
    return "".join(c if c.isprintable() else "\ufffd" for c in line) or None
