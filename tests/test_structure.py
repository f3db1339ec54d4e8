"""The shape issue 10 gave the code, held in place: one table of error numbers tied to the
code enums, no bare error literal in logic, one WTS call path that session_details uses with
few DLL calls, re-raised errors that keep the failing frame, frozen and slotted records."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import traceback
from pathlib import Path

import pytest
from stubctl import WtsStub

from winsession import _winerror, errors, fleet, logon, net, sens, testing, wts
from winsession.codes import NERR, WinError
from winsession.testing import Session, Simulator

PACKAGE = Path(wts.__file__).resolve().parent.parent


def test_every_error_number_is_the_enums_value() -> None:
    names = [n for n in vars(_winerror) if n[0].isupper()]
    assert len(names) >= 30
    for name in names:
        value = getattr(_winerror, name)
        if name.startswith("NERR_"):
            member = NERR[name[len("NERR_") :]]
            assert (member, member.symbol) == (value, name)
        else:
            assert WinError[name] == value, name


# Where numbers are the definitions themselves.
_NOT_ERRORS = {"_winerror.py", "codes.py"}
_ERRORISH = {2, 5, 6, 13, 50, 53, 67, 87, 120, 122, 123, 124, 234, 259, 1314, 1359, 1722}
_ERRORISH |= {2221, 2312, 2314, 2351, 7007, 7022, 7045}


def _logic_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if p.name not in _NOT_ERRORS and "raw" not in p.parts]


def test_no_bare_error_literal_in_logic() -> None:
    # An error number compared, raised or mapped is spelled by name (_winerror), never as a
    # bare int: find ints that sit where an error code goes.
    found = []
    for path in _logic_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            candidates: list[ast.AST] = []
            if isinstance(node, ast.Compare) and any(
                isinstance(x, ast.Attribute) and x.attr == "winerror"
                for x in [node.left, *node.comparators]
            ):
                candidates = [node.left, *node.comparators]
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in {"net_api_error", "wts_error", "error_class", "_fail", "fail_on_call"}:
                    candidates = list(node.args[:2])
            elif isinstance(node, ast.Dict) and any(
                isinstance(v, ast.Name) and v.id.endswith("Error") for v in node.values
            ):
                candidates = list(node.keys)  # type: ignore[arg-type]  # code -> error class
            for c in candidates:
                value = c.value if isinstance(c, ast.Constant) else None
                if type(value) is int and value in _ERRORISH:
                    found.append(f"{path.name}:{c.lineno}: {value}")
    assert found == []


def test_session_details_makes_three_queries_and_frees_each(wtsstub: WtsStub) -> None:
    assert wtsstub.add_session(None, 4, wts.ConnectState.ACTIVE, "RDP-Tcp#4") == 0
    calls, frees = wtsstub.calls(), wtsstub.frees()
    details = wts.session_details(4)
    # SESSION_INFO_EX, CLIENT_PROTOCOL_TYPE, CLIENT_INFO (was: 7 queries, 14 DLL calls).
    assert wtsstub.calls() - calls == 3
    assert wtsstub.frees() - frees == 3
    assert details.win_station_name == "RDP-Tcp#4"


def test_session_details_falls_back_to_session_info(wtsstub: WtsStub) -> None:
    assert wtsstub.add_session(None, 4, wts.ConnectState.ACTIVE, "RDP-Tcp#4") == 0
    wtsstub.unsupported_class(wts.InfoClass.SESSION_INFO_EX)
    calls = wtsstub.calls()
    details = wts.session_details(4)
    assert wtsstub.calls() - calls == 4  # Ex refused, then SESSION_INFO, protocol, client
    assert details.locked is None and details.win_station_name == "RDP-Tcp#4"


def test_session_details_calls_in_the_simulator() -> None:
    with Simulator(sessions=[Session(6, user_name="erin")]) as sim:
        before = sim.wts.calls
        assert wts.session_details(6).user_name == "erin"
        assert sim.wts.calls - before == 3
        assert sim.problems() == []


def test_a_reraised_error_keeps_the_failing_frame() -> None:
    with testing.demo_simulator(), pytest.raises(errors.SessionNotFoundError) as info:
        wts.logoff_session(99, server="SIMULATED")
    frames = [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    # The traceback goes down through logoff_session to where the error was raised.
    assert "logoff_session" in frames and frames[-1] != "logoff_session"
    assert "contextlib" not in "".join(traceback.format_tb(info.value.__traceback__))
    assert "__exit__" not in frames
    assert info.value.session_id == 99 and info.value.server == "SIMULATED"
    assert "for session 99" in str(info.value)


def _records() -> list[type]:
    found = []
    # winsession.testing's tables are the simulator's input, edited by tests on purpose.
    for module in (net, wts, sens, fleet, logon):
        for name in getattr(module, "__all__", []):
            value = getattr(module, name)
            if inspect.isclass(value) and dataclasses.is_dataclass(value):
                found.append(value)
    return found


@pytest.mark.parametrize("record", _records(), ids=lambda r: f"{r.__module__}.{r.__name__}")
def test_public_records_are_frozen_and_slotted(record: type) -> None:
    params = record.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen, record
    assert "__dict__" not in dir(record) or not hasattr(record.__new__(record), "__dict__"), (
        f"{record.__name__} has a __dict__"
    )
    # Frozen in behaviour, not only in the flag (Record's __setattr__, not dataclass's).
    fields = dataclasses.fields(record)
    made = record(*range(len(fields)))
    for spec in fields:
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"field {spec.name!r}"):
            setattr(made, spec.name, "changed")
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(made, spec.name)
    assert [getattr(made, spec.name) for spec in fields] == list(range(len(fields)))
    with pytest.raises(AttributeError):
        made.not_a_field = 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("record", _records(), ids=lambda r: f"{r.__module__}.{r.__name__}")
def test_records_introspect_like_the_dataclass_they_stand_for(record: type) -> None:
    # _record.record compiles __init__ on first use; before and after, introspection must
    # see what @dataclass(frozen=True) would have generated.
    fields = [(spec.name, spec.type) for spec in dataclasses.fields(record)]
    twin = dataclasses.make_dataclass(record.__name__, fields, frozen=True)
    params = record.__dataclass_params__  # type: ignore[attr-defined]
    assert params.init and params.frozen and not params.eq and not params.repr
    for _ in range(2):  # (the first call may come from another test: see the next one)
        assert inspect.signature(record) == inspect.signature(twin)
        assert inspect.signature(record.__init__) == inspect.signature(twin.__init__)
        assert record.__init__.__qualname__ == f"{record.__qualname__}.__init__"
        made = record(*range(len(fields)))
        assert made == record(**{name: i for i, (name, _) in enumerate(fields)})
    with pytest.raises(TypeError, match="argument"):
        record(*range(len(fields) + 1))


def test_a_new_record_introspects_right_before_its_first_call() -> None:
    from winsession._record import Record, record

    @record
    class Pair(Record):
        __slots__ = ("left", "right")
        left: int
        right: str

    twin = dataclasses.make_dataclass("Pair", [("left", "int"), ("right", "str")], frozen=True)
    first_init = vars(Pair)["__init__"]
    assert inspect.signature(Pair) == inspect.signature(twin)
    assert inspect.signature(Pair.__init__) == inspect.signature(twin.__init__)
    assert Pair(1, right="r") == Pair(left=1, right="r")
    assert vars(Pair)["__init__"] is not first_init  # compiled once, then called directly
    assert inspect.signature(Pair.__init__) == inspect.signature(twin.__init__)


def test_the_record_module_examples_run() -> None:
    import doctest

    from winsession import _record

    results = doctest.testmod(_record)
    assert results.failed == 0 and results.attempted >= 5


def test_a_frozen_dataclass_may_subclass_a_record() -> None:
    @dataclasses.dataclass(frozen=True, repr=False, eq=False)
    class Tagged(net.FileInfo3):
        __slots__ = ("tag",)
        tag: str

    tagged = Tagged(7, net.FilePermissions.READ, 0, "C:\\a", "bob", "mine")
    assert (tagged.file_id, tagged.tag) == (7, "mine")
    with pytest.raises(dataclasses.FrozenInstanceError):
        tagged.tag = "theirs"  # type: ignore[misc]
    assert dataclasses.replace(tagged, tag="x").tag == "x"


def test_every_record_class_is_checked() -> None:
    # net 12 (9 + 3 workstation users), wts 10 (+ SessionChange, loaded lazily), sens 1,
    # fleet's Item and Failure, logon's LogonSession.
    names = {r.__name__ for r in _records()}
    assert {"SessionInfo502", "StationInfoEx", "SessionEvent", "Item", "Failure"} <= names
    assert {"WorkstationUser1", "LogonSession"} <= names
    assert len(_records()) == 27


def test_same_datum_same_field_name() -> None:
    fields = {f.name for r in _records() for f in dataclasses.fields(r)}
    assert "domain" not in fields and "domain_name" in fields


def test_records_examples_run() -> None:
    import doctest

    from winsession import _records

    results = doctest.testmod(_records)
    assert results.failed == 0 and results.attempted >= 3


def test_one_sid_reader_for_processes_and_logon_sessions() -> None:
    # WTSEnumerateProcessesW's owners and the LSA's logon sessions read SIDs the same way,
    # authorities of 2**32 and more in hex as ConvertSidToStringSidW writes them.
    import ctypes

    from winsession import logon
    from winsession.wts import _query

    samples = {
        bytes([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]): "S-1-5-18",
        bytes([1, 0, 1, 0, 0, 0, 0, 0]): "S-1-0x010000000000",
    }
    for binary, text in samples.items():
        memory = ctypes.create_string_buffer(binary)
        address = ctypes.addressof(memory)
        assert _query._sid(address) == logon._sid_text(address, "F") == text
    bad = ctypes.create_string_buffer(bytes([1, 16, 0, 0, 0, 0, 0, 5]))
    with pytest.raises(errors.WinSessionError, match="revision 1 with 16"):
        _query._sid(ctypes.addressof(bad))
    with pytest.raises(errors.WinSessionError, match="revision 1 with 16"):
        logon._sid_text(ctypes.addressof(bad), "LsaGetLogonSessionData")
