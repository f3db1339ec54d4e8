"""The error numbers winsession's own logic tests for or raises, in one import-cheap place.

Plain ``int`` constants under Microsoft's names (winerror.h, lmerr.h), so importing this
costs next to nothing; :mod:`winsession.codes` holds the full enums and their messages, and a
test ties every name here to ``codes.WinError`` / ``codes.NERR``. Logic never spells an error
number as a bare literal: it names one of these.
"""

from __future__ import annotations

# Win32 (winerror.h)
ERROR_SUCCESS = 0
ERROR_FILE_NOT_FOUND = 2
ERROR_ACCESS_DENIED = 5
ERROR_INVALID_HANDLE = 6
ERROR_NOT_ENOUGH_MEMORY = 8
ERROR_INVALID_DATA = 13
ERROR_NOT_SUPPORTED = 50
ERROR_BAD_NETPATH = 53
ERROR_BAD_NET_NAME = 67
ERROR_INVALID_PARAMETER = 87
ERROR_CALL_NOT_IMPLEMENTED = 120
ERROR_INSUFFICIENT_BUFFER = 122
ERROR_INVALID_NAME = 123
ERROR_INVALID_LEVEL = 124
ERROR_MORE_DATA = 234
ERROR_NO_MORE_ITEMS = 259
ERROR_INVALID_COMPUTERNAME = 1210
ERROR_PRIVILEGE_NOT_HELD = 1314
ERROR_INTERNAL_ERROR = 1359
RPC_S_SERVER_UNAVAILABLE = 1722
ERROR_CTX_CLOSE_PENDING = 7007
ERROR_CTX_WINSTATION_NOT_FOUND = 7022
ERROR_CTX_WINSTATION_ACCESS_DENIED = 7045

# NET_API_STATUS (lmerr.h)
NERR_Success = 0
NERR_UserNotFound = 2221
NERR_ClientNameNotFound = 2312
NERR_FileIdNotFound = 2314
NERR_InvalidComputer = 2351

# HRESULTs (unsigned, as winerror.h prints them)
E_NOTIMPL = 0x80004001
E_ACCESSDENIED = 0x80070005
E_INVALIDARG = 0x80070057
REGDB_E_CLASSNOTREG = 0x80040154
