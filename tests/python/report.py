"""Run a test module's unittest cases printing one line per case: PASS, SKIPPED: <reason>
(torch or shared/ data absent) or FAIL with its traceback. Exit status 0 unless a case failed."""
import sys
import unittest


class _Result(unittest.TestResult):
    def addSuccess(self, test):
        super().addSuccess(test)
        print(f"PASS {test.id()}", flush=True)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        print(f"SKIPPED: {test.id()}: {reason}", flush=True)

    def _fail(self, test, err, kind):
        print(f"{kind} {test.id()}\n{self._exc_info_to_string(err, test)}", flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err, "FAIL")

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err, "ERROR")


def run(module_name):
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module_name])
    result = _Result()
    suite.run(result)
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun} run, {failed} failed, {len(result.skipped)} skipped")
    return 1 if failed else 0
