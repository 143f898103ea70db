import Link from 'next/link';

export default function Forbidden() {
  return (
    <main>
      <div className="card">
        <h1>403: not yours to see</h1>
        <p>This page belongs to another user. Operations and admin roles see every run.</p>
        <p><Link href="/runs">Back to your runs</Link></p>
      </div>
    </main>
  );
}
