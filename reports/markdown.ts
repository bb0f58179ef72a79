/**
 * The Markdown summary for `$GITHUB_STEP_SUMMARY` and PR comments: one compact table and, below
 * it, the diagnoses of the scenarios that did not behave as expected, so a reviewer sees the
 * problem without opening the HTML report.
 */
import { escapeMarkdownCell as cell, escapeMarkdownText as text } from './escape.ts';
import {
  formatDuration,
  formatNumber,
  formatThreshold,
  keyFigures,
  scenarioOutcome,
  sloOutcome,
} from './figures.ts';
import type { Results, ScenarioResult } from '../harness/results/results.ts';

function outcomeCell(s: ScenarioResult): string {
  const o = scenarioOutcome(s);
  if (o === 'skipped') return '➖ skipped';
  if (o === 'error') return '⚠️ error';
  return o === 'unexpected' ? '❌ unexpected' : '✅ as expected';
}

function expectedCell(s: ScenarioResult): string {
  return s.expected === 'pass' ? 'pass' : `violate ${s.expected.join(', ')}`;
}

function headline(results: Results): string {
  const { total, asExpected, unexpected, errors } = results.summary;
  const skipped = results.summary.skipped ?? 0;
  const skips = skipped ? ` (${skipped} skipped)` : '';
  if (unexpected > 0) return `❌ **${unexpected} of ${total} scenarios did not behave as expected**${skips}`;
  if (errors > 0)
    return `⚠️ **${errors} of ${total} scenarios could not run** (infrastructure error)${skips}`;
  if (skipped)
    return `✅ **All ${asExpected} of ${total - skipped} scenarios that ran behaved as expected**${skips}`;
  return `✅ **All ${asExpected} of ${total} scenarios behaved as expected**`;
}

/** Renders the summary. Every cell is escaped: names and diagnoses are free text. */
export function renderMarkdown(results: Results): string {
  const figureLabels = keyFigures(
    results.scenarios[0] ??
      ({ measurements: {}, series: { reconnectsPerSec: [] } } as unknown as ScenarioResult),
  ).map((f) => f.label);
  const lines: string[] = [
    '## sse-chaos resilience report',
    '',
    `${headline(results)} · ${formatDuration(results.durationMs)} · runtime ${text(results.environment.runtime)} · seed ${results.seed}` +
      (results.environment.gitCommit ? ` · commit ${text(results.environment.gitCommit.slice(0, 12))}` : ''),
    '',
    `| Scenario | Outcome | Verdict | Expected | ${figureLabels.join(' | ')} |`,
    `|---|---|---|---|${figureLabels.map(() => '--:').join('|')}|`,
  ];
  for (const s of results.scenarios) {
    const figures = keyFigures(s).map((f) => cell(formatNumber(f.value, f.unit)));
    lines.push(
      `| ${cell(s.name)} | ${outcomeCell(s)} | ${s.verdict} | ${cell(expectedCell(s))} | ${figures.join(' | ')} |`,
    );
  }

  const clustered = results.scenarios.filter((s) => s.instances);
  if (clustered.length > 0) {
    lines.push('', '### Instances (which served whom, failovers)', '');
    for (const s of clustered)
      lines.push(`- **${text(s.name)}**: ${text(oneLine(s.instances!.story.join(' ')))}`);
  }

  const skipped = results.scenarios.filter((s) => s.verdict === 'skipped');
  if (skipped.length > 0) {
    lines.push('', '### Skipped (the target lacks what they need; not a pass, not a failure)', '');
    for (const s of skipped)
      lines.push(`- **${text(s.name)}**: ${text(oneLine(s.skipped?.reason ?? 'skipped'))}`);
  }
  const unexpected = results.scenarios.filter((s) => {
    const o = scenarioOutcome(s);
    return o !== 'as expected' && o !== 'skipped';
  });
  if (unexpected.length > 0) {
    lines.push('', '### What went wrong', '');
    for (const s of unexpected) {
      lines.push(`**${text(s.name)}** (${outcomeCell(s)})`, '');
      if (s.verdict === 'error')
        lines.push(`- infrastructure error: ${text(oneLine(s.error ?? 'unknown error'))}`);
      for (const slo of s.slos) {
        const outcome = sloOutcome(s, slo);
        const figures = `measured ${formatNumber(slo.measured, slo.unit)}, threshold ${formatThreshold(slo)}`;
        if (outcome === 'fail') {
          lines.push(
            `- **${text(slo.name)}** violated (${text(figures)}): ${text(oneLine(slo.diagnosis ?? 'no diagnosis recorded'))}`,
          );
        } else if (outcome === 'missed-expected-fail') {
          lines.push(
            `- **${text(slo.name)}** was expected to be violated but passed (${text(figures)}): the detector missed the fault.`,
          );
        }
      }
      lines.push('');
    }
  }
  lines.push('', '<sub>Full charts and diagnoses: open `report.html` from the run artifact.</sub>', '');
  return lines.join('\n');
}

function oneLine(value: string): string {
  return value.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
