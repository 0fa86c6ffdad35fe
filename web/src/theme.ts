import { useEffect, useState } from "react";

export type Theme = "light" | "dark";
const KEY = "wfaib.theme";

/** Dark mode: the user's choice, else the system's; stored per browser. */
export function useTheme(): { theme: Theme; toggleTheme: () => void } {
  const [theme, setTheme] = useState<Theme>(() => {
    const stored = localStorage.getItem(KEY);
    if (stored === "light" || stored === "dark") return stored;
    return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  });
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return {
    theme,
    toggleTheme: () =>
      setTheme((current) => {
        const next = current === "dark" ? "light" : "dark";
        localStorage.setItem(KEY, next);
        return next;
      }),
  };
}
