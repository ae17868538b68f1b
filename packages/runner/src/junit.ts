/** JUnit XML for CI: one test case per scenario run, a failure per missed budget. */
export interface JunitCase {
  name: string;
  seconds: number;
  failures: string[];
  output?: string;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function renderJunit(suite: string, cases: JunitCase[]): string {
  const failures = cases.filter((testCase) => testCase.failures.length > 0).length;
  const total = cases.reduce((sum, testCase) => sum + testCase.seconds, 0);
  const body = cases.map((testCase) => {
    const inner = [
      ...testCase.failures.map((failure) => `      <failure message="${escapeXml(failure.split("\n")[0] ?? failure)}">${escapeXml(failure)}</failure>`),
      ...(testCase.output ? [`      <system-out>${escapeXml(testCase.output)}</system-out>`] : []),
    ];
    const open = `    <testcase classname="${escapeXml(suite)}" name="${escapeXml(testCase.name)}" time="${testCase.seconds.toFixed(1)}"`;
    return inner.length ? `${open}>\n${inner.join("\n")}\n    </testcase>` : `${open}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${cases.length}" failures="${failures}" time="${total.toFixed(1)}">`,
    `  <testsuite name="${escapeXml(suite)}" tests="${cases.length}" failures="${failures}" time="${total.toFixed(1)}">`,
    ...body,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
