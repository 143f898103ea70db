import Link from 'next/link';
import { LiveRefresh } from '../../components/live-refresh.tsx';
import { Nav } from '../../components/nav.tsx';
import { dashboardContext } from '../../server/context.ts';
import { fmtDuration, fmtPct, fmtTime } from '../../server/format.ts';
import { type RunFilters, filterChoices, listRuns, parseFilters } from '../../server/views/runs.ts';
import { requireIdentity } from '../../server/session.ts';

type Search = Promise<Record<string, string | string[] | undefined>>;

function Select({ name, label, value, options }: { name: keyof RunFilters; label: string; value: string; options: readonly (readonly [string, string])[] }) {
  return (
    <label>{label}
      <select name={name} defaultValue={value}>
        <option value="">any</option>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </label>
  );
}

const pairs = (xs: readonly string[]): [string, string][] => xs.map((x) => [x, x]);

export default async function RunsPage({ searchParams }: { searchParams: Search }) {
  const id = await requireIdentity();
  const { store } = dashboardContext();
  const f = parseFilters(await searchParams);
  const [runs, choices] = await Promise.all([listRuns(store, id, f), filterChoices(store, id)]);
  const now = Date.now();
  return (
    <>
      <Nav id={id} />
      <main>
        <LiveRefresh everyMs={3000} />
        <h1>Runs</h1>
        <form className="filters" method="get" action="/runs" aria-label="filters">
          <Select name="app" label="App" value={f.app} options={pairs(choices.apps)} />
          <Select name="user" label="User" value={f.user} options={pairs(choices.users)} />
          <Select name="status" label="State" value={f.status} options={pairs(['running', 'finished', 'failed', 'lost'])} />
          <Select name="since" label="Started" value={f.since} options={[['1h', 'last hour'], ['24h', 'last 24 h'], ['7d', 'last 7 days'], ['30d', 'last 30 days']]} />
          <Select name="kind" label="Finding" value={f.kind} options={pairs(choices.kinds)} />
          <button className="primary" type="submit">Filter</button>
          <Link href="/runs">clear</Link>
        </form>
        <table data-testid="runs">
          <thead><tr><th>Run</th><th>App</th><th>User</th><th>State</th><th>Started</th><th className="num">Duration</th><th className="num">Cores</th><th className="num">CPU eff.</th><th>Top finding</th></tr></thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.run_id} data-run={r.run_id}>
                <td><Link href={`/runs/${r.run_id}`}>{r.run_id}</Link><div className="muted" title={r.cmd}>{r.cmd.slice(0, 60)}</div></td>
                <td><Link href={`/apps/${encodeURIComponent(r.app)}`}>{r.app}</Link></td>
                <td>{r.user}</td>
                <td><span className={`pill ${r.status}`}>{r.status}</span>{r.exit_code !== null && r.exit_code !== 0 ? <span className="muted"> exit {r.exit_code}</span> : null}</td>
                <td>{fmtTime(r.start_ms)}</td>
                <td className="num">{fmtDuration(((r.end_ms ?? now) - r.start_ms) / 1000)}</td>
                <td className="num">{r.alloc_cores * Math.max(1, r.hosts)}</td>
                <td className="num">{fmtPct(r.efficiency)}</td>
                <td>{r.top_finding ? <span className={`sev-${r.top_finding.severity}`} title={r.top_finding.message}>{r.top_finding.kind}</span> : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {runs.length === 0 ? <p className="muted">No runs match. Start one with <code>runlens run -- CMD</code>.</p> : null}
      </main>
    </>
  );
}
