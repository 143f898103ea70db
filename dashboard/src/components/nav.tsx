import Link from 'next/link';
import type { Identity } from '@runlens/schemas';

export function Nav({ id }: { id: Identity }) {
  const ops = id.role === 'ops' || id.role === 'admin';
  return (
    <header className="top">
      <Link className="brand" href="/runs">RunLens</Link>
      <Link href="/runs">Runs</Link>
      {ops ? <Link href="/ops">Ops</Link> : null}
      <Link href="/guide">Findings guide</Link>
      <span className="who">
        <span data-testid="who">{id.user} ({id.role})</span>
        <form method="post" action="/auth/logout"><button type="submit">Sign out</button></form>
      </span>
    </header>
  );
}
