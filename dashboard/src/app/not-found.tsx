import Link from 'next/link';

export default function NotFound() {
  return (
    <main>
      <div className="card">
        <h1>404: not found</h1>
        <p><Link href="/runs">Back to the runs</Link></p>
      </div>
    </main>
  );
}
