import type { ReactNode } from 'react';
import './globals.css';

export const metadata = { title: 'RunLens', description: 'Why is my job slow?' };
// Every page reads the live store: nothing is prerendered at build time.
export const dynamic = 'force-dynamic';

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
