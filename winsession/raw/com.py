"""COM by hand: GUID, BSTR, VARIANT/DISPPARAMS, ole32/oleaut32 exports, and the vtables of
IUnknown, IDispatch, IEventSystem, IEventSubscription and ISensLogon2.

Each interface is described once, in slot order, with exact prototypes (checked against
win32metadata by the tests); :class:`Interface` builds its vtable Structure from that list.
A COM object is a pointer to a pointer to such a vtable; :func:`call` invokes slot ``name``
of the object at an address and raises for a failing HRESULT.
"""

from __future__ import annotations

import ctypes
import sys
import uuid
from typing import TYPE_CHECKING, Any, Optional

from .. import _dll
from ._types import BOOL, DWORD, HRESULT, LONG, LPVOID, LPWSTR, UINT, ULONG, USHORT, WORD

if TYPE_CHECKING:
    from ._types import Handle, InStr, Out, Ptr

if sys.platform == "win32":
    FUNCTYPE = ctypes.WINFUNCTYPE
else:  # x64 has one calling convention; lets the layouts be built and inspected anywhere
    FUNCTYPE = ctypes.CFUNCTYPE

BSTR = ctypes.c_void_p  # kept as a raw pointer: winsession allocates and frees every BSTR
DISPID = LONG
LCID = DWORD
VARTYPE = USHORT

# CoInitializeEx / CoCreateInstance
COINIT_MULTITHREADED = 0x0
COINIT_APARTMENTTHREADED = 0x2
CLSCTX_INPROC_SERVER = 0x1
CLSCTX_LOCAL_SERVER = 0x4
CLSCTX_REMOTE_SERVER = 0x10
CLSCTX_SERVER = CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER | CLSCTX_REMOTE_SERVER


def _signed(hresult: int) -> int:
    # HRESULT is a signed 32-bit type: failures are negative where C sees them.
    return hresult - (1 << 32) if hresult & 0x80000000 else hresult


S_OK = 0
S_FALSE = 1
E_NOTIMPL = _signed(0x80004001)
E_NOINTERFACE = _signed(0x80004002)
E_POINTER = _signed(0x80004003)
E_FAIL = _signed(0x80004005)
E_UNEXPECTED = _signed(0x8000FFFF)
DISP_E_MEMBERNOTFOUND = _signed(0x80020003)
DISP_E_TYPEMISMATCH = _signed(0x80020005)
DISP_E_UNKNOWNNAME = _signed(0x80020006)
DISP_E_BADPARAMCOUNT = _signed(0x8002000E)
DISPID_UNKNOWN = -1
DISPATCH_METHOD = 0x1
VT_EMPTY, VT_I2, VT_I4, VT_BSTR, VT_UI2, VT_UI4, VT_I8, VT_UI8, VT_INT, VT_UINT = (
    0, 2, 3, 8, 18, 19, 20, 21, 22, 23,
)  # fmt: skip
VT_BYREF = 0x4000


class GUID(ctypes.Structure):
    """A GUID; ``GUID("{...}")`` parses, ``str()`` gives the braced upper-case form."""

    _fields_ = [
        ("Data1", DWORD),
        ("Data2", WORD),
        ("Data3", WORD),
        ("Data4", ctypes.c_uint8 * 8),
    ]

    def __init__(self, text: Optional[str] = None) -> None:
        super().__init__()
        if text is not None:
            ctypes.memmove(ctypes.addressof(self), uuid.UUID(text).bytes_le, 16)

    @classmethod
    def new(cls) -> GUID:
        """A fresh random GUID (uuid4)."""
        return cls(str(uuid.uuid4()))

    def __str__(self) -> str:
        return "{" + str(uuid.UUID(bytes_le=bytes(self))).upper() + "}"

    def __repr__(self) -> str:
        return f"GUID({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GUID) and bytes(self) == bytes(other)

    def __hash__(self) -> int:
        return hash(bytes(self))


REFGUID = ctypes.POINTER(GUID)


class VARIANT(ctypes.Structure):
    """``VARIANT`` as far as ``IDispatch::Invoke`` needs: the type and the 16-byte value."""

    class _Value(ctypes.Union):
        _fields_ = [
            ("llVal", ctypes.c_int64),
            ("lVal", ctypes.c_int32),
            ("ulVal", ctypes.c_uint32),
            ("iVal", ctypes.c_int16),
            ("uiVal", ctypes.c_uint16),
            ("bstrVal", BSTR),
            ("byref", ctypes.c_void_p),
            ("_record", ctypes.c_void_p * 2),  # BRECORD: the union's full size
        ]

    _anonymous_ = ("value",)
    _fields_ = [
        ("vt", VARTYPE),
        ("wReserved1", WORD),
        ("wReserved2", WORD),
        ("wReserved3", WORD),
        ("value", _Value),
    ]


class DISPPARAMS(ctypes.Structure):
    """Arguments of ``IDispatch::Invoke`` (``rgvarg`` in reverse order)."""

    _fields_ = [
        ("rgvarg", ctypes.POINTER(VARIANT)),
        ("rgdispidNamedArgs", ctypes.POINTER(DISPID)),
        ("cArgs", UINT),
        ("cNamedArgs", UINT),
    ]


# --- ole32 / oleaut32 exports -------------------------------------------------------------


_hresult = _dll.Check("HRESULT")  # negative fails; winsession.errors raises ComError


CoInitializeEx: _dll.Function[[Handle, int], int] = _dll.Function(
    "ole32", "CoInitializeEx", HRESULT, [LPVOID, DWORD], _hresult
)
CoUninitialize: _dll.Function[[], None] = _dll.Function("ole32", "CoUninitialize", None, [])
CoCreateInstance: _dll.Function[[Out, Handle, int, Out, Out], int] = _dll.Function(
    "ole32",
    "CoCreateInstance",
    HRESULT,
    [REFGUID, LPVOID, DWORD, REFGUID, ctypes.POINTER(LPVOID)],
    _hresult,
)
SysAllocString: _dll.Function[[InStr], Optional[int]] = _dll.Function(
    "oleaut32", "SysAllocString", BSTR, [LPWSTR]
)
SysFreeString: _dll.Function[[Ptr], None] = _dll.Function("oleaut32", "SysFreeString", None, [BSTR])
SysStringLen: _dll.Function[[Ptr], int] = _dll.Function("oleaut32", "SysStringLen", UINT, [BSTR])


def bstr(text: str) -> int:
    """A new BSTR holding ``text``; the caller frees it with ``SysFreeString``."""
    value = SysAllocString(text)
    if not value:
        raise MemoryError("SysAllocString failed")
    return int(value)


def bstr_text(value: Optional[int]) -> str:
    """The text of a BSTR (its length prefix counts, embedded NULs included); NULL is ""."""
    if not value:
        return ""
    return ctypes.wstring_at(value, int(SysStringLen(value)))


# --- interfaces ---------------------------------------------------------------------------

IUnknownPtr = LPVOID
P = ctypes.POINTER


class Interface:
    """A COM interface: IID, base interface and its own methods, in vtable order.

    ``methods`` holds ``(name, restype, argtypes)`` without the ``this`` pointer;
    :attr:`prototypes` adds it; :attr:`vtable` is the Structure of function pointers.
    """

    def __init__(
        self,
        name: str,
        iid: str,
        base: Optional[Interface],
        methods: list[tuple[str, Any, list[Any]]],
    ) -> None:
        self.name = name
        self.iid = GUID(iid)
        self.base = base
        self.methods: list[tuple[str, Any, list[Any]]] = [
            *(base.methods if base else []),
            *methods,
        ]
        self.prototypes: dict[str, Any] = {
            m: FUNCTYPE(restype, LPVOID, *argtypes) for m, restype, argtypes in self.methods
        }
        self.vtable: type[ctypes.Structure] = type(
            f"{name}Vtbl",
            (ctypes.Structure,),
            {"_fields_": [(m, self.prototypes[m]) for m, _, _ in self.methods]},
        )

    def slot(self, method: str) -> int:
        """The vtable index of ``method``."""
        return [m for m, _, _ in self.methods].index(method)

    def __repr__(self) -> str:
        return f"<COM interface {self.name} {self.iid}>"


IUnknown = Interface(
    "IUnknown",
    "00000000-0000-0000-C000-000000000046",
    None,
    [
        ("QueryInterface", HRESULT, [REFGUID, P(LPVOID)]),
        ("AddRef", ULONG, []),
        ("Release", ULONG, []),
    ],
)
IDispatch = Interface(
    "IDispatch",
    "00020400-0000-0000-C000-000000000046",
    IUnknown,
    [
        ("GetTypeInfoCount", HRESULT, [P(UINT)]),
        ("GetTypeInfo", HRESULT, [UINT, LCID, P(LPVOID)]),
        ("GetIDsOfNames", HRESULT, [REFGUID, P(LPWSTR), UINT, LCID, P(DISPID)]),
        (
            "Invoke",
            HRESULT,
            [DISPID, REFGUID, LCID, WORD, P(DISPPARAMS), P(VARIANT), LPVOID, P(UINT)],
        ),
    ],
)
IEventSystem = Interface(
    "IEventSystem",
    "4E14FB9F-2E22-11D1-9964-00C04FBBB345",
    IDispatch,
    [
        ("Query", HRESULT, [BSTR, BSTR, P(ctypes.c_int32), P(IUnknownPtr)]),
        ("Store", HRESULT, [BSTR, IUnknownPtr]),
        ("Remove", HRESULT, [BSTR, BSTR, P(ctypes.c_int32)]),
        ("get_EventObjectChangeEventClassID", HRESULT, [P(BSTR)]),
        ("QueryS", HRESULT, [BSTR, BSTR, P(IUnknownPtr)]),
        ("RemoveS", HRESULT, [BSTR, BSTR]),
    ],
)


def _property(name: str, kind: Any) -> list[tuple[str, Any, list[Any]]]:
    return [(f"get_{name}", HRESULT, [P(kind)]), (f"put_{name}", HRESULT, [kind])]


IEventSubscription = Interface(
    "IEventSubscription",
    "4A6B0E15-2E38-11D1-9965-00C04FBBB345",
    IDispatch,
    [
        *_property("SubscriptionID", BSTR),
        *_property("SubscriptionName", BSTR),
        *_property("PublisherID", BSTR),
        *_property("EventClassID", BSTR),
        *_property("MethodName", BSTR),
        *_property("SubscriberCLSID", BSTR),
        *_property("SubscriberInterface", IUnknownPtr),
        *_property("PerUser", BOOL),
        *_property("OwnerSID", BSTR),
        *_property("Enabled", BOOL),
        *_property("Description", BSTR),
        *_property("MachineName", BSTR),
        ("GetPublisherProperty", HRESULT, [BSTR, P(VARIANT)]),
        ("PutPublisherProperty", HRESULT, [BSTR, P(VARIANT)]),
        ("RemovePublisherProperty", HRESULT, [BSTR]),
        ("GetPublisherPropertyCollection", HRESULT, [P(LPVOID)]),
        ("GetSubscriberProperty", HRESULT, [BSTR, P(VARIANT)]),
        ("PutSubscriberProperty", HRESULT, [BSTR, P(VARIANT)]),
        ("RemoveSubscriberProperty", HRESULT, [BSTR]),
        ("GetSubscriberPropertyCollection", HRESULT, [P(LPVOID)]),
        *_property("InterfaceID", BSTR),
    ],
)
ISensLogon2 = Interface(
    "ISensLogon2",
    "D597BAB4-5B9F-11D1-8DD2-00AA004ABD5E",
    IDispatch,
    [
        (method, HRESULT, [BSTR, DWORD])
        for method in ("Logon", "Logoff", "SessionDisconnect", "SessionReconnect", "PostShell")
    ],
)

CLSID_CEventSystem = GUID("4E14FBA2-2E22-11D1-9964-00C04FBBB345")
CLSID_CEventSubscription = GUID("7542E960-79C7-11D1-88F9-0080C7D771BF")
SENSGUID_EVENTCLASS_LOGON2 = GUID("D5978650-5B9F-11D1-8DD2-00AA004ABD5E")
SENSGUID_PUBLISHER = GUID("5FEE1BD6-5B9B-11D1-8DD2-00AA004ABD5E")
PROGID_EventSubscription = "EventSystem.EventSubscription"


def call(address: int, interface: Interface, method: str, *args: Any) -> int:
    """Call ``method`` of the COM object at ``address``; raise on a failing HRESULT."""
    vtable = ctypes.cast(address, P(P(interface.vtable))).contents.contents
    result = int(getattr(vtable, method)(address, *args))
    if interface.prototypes[method]._restype_ is HRESULT:
        _hresult.resolve("ole32")(result, f"{interface.name}::{method}", args)
    return result


def release(address: Optional[int]) -> None:
    """``IUnknown::Release`` of the object at ``address``, if any."""
    if address:
        call(address, IUnknown, "Release")
