import { type Inline, readmeBlocks } from '../charts/markdown-lite.ts';

const Text = ({ parts }: { parts: readonly Inline[] }) => <>{parts.map((p, i) => (p.code ? <code key={i}>{p.text}</code> : <span key={i}>{p.text}</span>))}</>;

/** A detector README, rendered from its own Markdown (the one copy of the text). */
export function Readme({ markdown }: { markdown: string }) {
  return (
    <div className="readme">
      {readmeBlocks(markdown).map((b, i) => {
        switch (b.kind) {
          case 'heading': return <h3 key={i}><Text parts={b.text} /></h3>;
          case 'paragraph': return <p key={i}><Text parts={b.text} /></p>;
          case 'list': return <ul key={i}>{b.items.map((item, j) => <li key={j}><Text parts={item} /></li>)}</ul>;
        }
      })}
    </div>
  );
}
