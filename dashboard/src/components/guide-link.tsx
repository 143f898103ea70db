import Link from 'next/link';

/** A finding kind, linked to its entry in the findings guide. */
export function GuideLink({ kind }: { kind: string }) {
  return <Link href={`/guide#${kind}`} className="kind" title="What this finding means and what to do"><strong>{kind}</strong></Link>;
}
