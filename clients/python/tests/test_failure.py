"""A fixture that cannot get an emulator fails the test with one line, quickly."""


def test_an_unreachable_emulator_fails_the_fixture_in_one_line(pytester, monkeypatch):
    monkeypatch.setenv("ENTITLEMENT_EMULATOR_URL", "http://127.0.0.1:9")
    pytester.makepyfile("def test_uses_it(graph_tenant):\n    pass\n")
    result = pytester.runpytest_subprocess("--entitlement-emulator-timeout", "0.5", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ENTITLEMENT_EMULATOR_URL=http://127.0.0.1:9: not healthy within 0.5 s (ConnectError*"])
    assert "launcher.py" not in result.stdout.str(), "no traceback into the launcher"
