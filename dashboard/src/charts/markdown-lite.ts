/**
 * The small subset of Markdown the detector READMEs use, as blocks to render: headings,
 * paragraphs and bullet lists (continuation lines indented), with `code` spans inline. The
 * golden-file notes (`## testdata`) are for developers and are left out.
 */
export type Inline = { readonly code: boolean; readonly text: string };
export type Block =
  | { readonly kind: 'heading'; readonly text: Inline[] }
  | { readonly kind: 'paragraph'; readonly text: Inline[] }
  | { readonly kind: 'list'; readonly items: Inline[][] };

export function inline(text: string): Inline[] {
  return text.split('`').map((t, i) => ({ code: i % 2 === 1, text: t })).filter((p) => p.text !== '');
}

export function readmeBlocks(md: string): Block[] {
  const lines = md.split('\n');
  const cut = lines.findIndex((l) => /^##\s+testdata/i.test(l));
  const out: Block[] = [];
  let para: string[] = [];
  let items: string[] = [];
  const flush = (): void => {
    if (para.length > 0) out.push({ kind: 'paragraph', text: inline(para.join(' ')) });
    if (items.length > 0) out.push({ kind: 'list', items: items.map(inline) });
    para = [];
    items = [];
  };
  for (const line of cut < 0 ? lines : lines.slice(0, cut)) {
    if (/^#\s/.test(line)) continue;
    if (/^#{2,}\s/.test(line)) { flush(); out.push({ kind: 'heading', text: inline(line.replace(/^#+\s*/, '')) }); continue; }
    if (line.trim() === '') { flush(); continue; }
    if (/^\s*[-*]\s/.test(line)) {
      if (para.length > 0) flush();
      items.push(line.replace(/^\s*[-*]\s/, ''));
      continue;
    }
    if (items.length > 0 && /^\s+\S/.test(line)) items[items.length - 1] += ` ${line.trim()}`;
    else { if (items.length > 0) flush(); para.push(line.trim()); }
  }
  flush();
  return out;
}
