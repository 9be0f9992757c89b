/**
 * Vitest reporter beside the default one: at the end of the run, one line per skipped group (a suite
 * that was skipped whole, or a single skipped test outside one), with its name, which says why it was
 * skipped (`… (SLMBENCH_SHARED is unset: …)`). The default reporter shows skipped tests only as a count.
 */
import type { Reporter, TestModule, TestSuite } from 'vitest/node';

export default class SkipReasonsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of modules) {
      const skippedSuites = [...module.children.allSuites()].filter((s) => s.state() === 'skipped');
      const top = skippedSuites.filter((s) => !(s.parent.type === 'suite' && (s.parent as TestSuite).state() === 'skipped'));
      for (const suite of top) lines.push(`${module.relativeModuleId} > ${suite.fullName}`);
      for (const test of module.children.allTests('skipped')) {
        const parent = test.parent;
        if (parent.type === 'suite' && parent.state() === 'skipped') continue;
        lines.push(`${module.relativeModuleId} > ${test.fullName}`);
      }
    }
    if (lines.length) process.stdout.write(`\nskipped (${lines.length} ${lines.length === 1 ? 'group' : 'groups'}):\n${lines.map((l) => `  ↓ ${l}`).join('\n')}\n`);
  }
}
