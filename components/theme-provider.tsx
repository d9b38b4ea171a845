"use client";

import { setNonce } from "get-nonce";
import { ThemeProvider as NextThemesProvider } from "next-themes";
import { useState, type ReactNode } from "react";

/**
 * The nonce this document was served with. In the browser it is read from the page's own scripts: a later render
 * of the layout (after a server action or a redirect) brings the nonce of that other request, which this page's
 * CSP does not know.
 */
function documentNonce(serverNonce?: string): string | undefined {
  if (typeof document === "undefined") return serverNonce;
  return document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce || serverNonce;
}

/**
 * Light, dark or the system's choice, as a class on <html>. next-themes' inline script sets it before the first
 * paint (no flash of the wrong theme) and needs the CSP nonce to run, as does the <style> it adds while switching;
 * Radix's scroll lock injects a <style> through get-nonce, which is handed the same nonce.
 */
export function ThemeProvider({ nonce, children }: { nonce?: string; children: ReactNode }) {
  const [pageNonce] = useState(() => documentNonce(nonce));
  if (pageNonce) setNonce(pageNonce);
  return (
    <NextThemesProvider
      attribute="class"
      defaultTheme="system"
      enableSystem
      disableTransitionOnChange
      nonce={pageNonce}
    >
      {children}
    </NextThemesProvider>
  );
}
