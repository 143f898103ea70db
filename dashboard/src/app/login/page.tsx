export default async function Login({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const q = await searchParams;
  return (
    <main>
      <form className="card login" method="post" action="/auth/login">
        <h1>Sign in to RunLens</h1>
        {q.error ? <p className="error" role="alert">Wrong user name or password.</p> : null}
        <input type="hidden" name="next" value={q.next ?? '/runs'} />
        <label htmlFor="user">User</label>
        <input id="user" name="user" autoComplete="username" required />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <p><button className="primary" type="submit">Sign in</button></p>
        <p className="muted">The first start of <code>runlens up</code> prints the admin password once; users live in <code>users.json</code> in the data directory.</p>
      </form>
    </main>
  );
}
