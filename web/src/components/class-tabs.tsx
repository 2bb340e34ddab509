import type { ClassTab } from '../lib/awareness.ts';

const TABS: { id: ClassTab; label: string }[] = [
  { id: 'chat', label: 'Chat' },
  { id: 'qa', label: 'Q&A' },
  { id: 'polls', label: 'Polls' },
];

/**
 * On phones the classroom is three tabs, not one long page; each tab shows how many notices it holds that the viewer
 * has not looked at. Wider screens show every panel side by side, and this bar is hidden by the stylesheet.
 */
export function ClassTabs({ tab, onTab, unseen }: { tab: ClassTab; onTab: (tab: ClassTab) => void; unseen: Record<ClassTab, number> }) {
  return (
    <div className="class-tabs" role="tablist" aria-label="Class sections">
      {TABS.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`class-tab-${t.id}`}
          aria-controls={`class-panel-${t.id}`}
          aria-selected={tab === t.id}
          // One tab stop for the bar; the arrow keys, Home and End move between the tabs (the ARIA tabs pattern).
          tabIndex={tab === t.id ? 0 : -1}
          onKeyDown={(e) => {
            const at = TABS.findIndex((x) => x.id === tab);
            const to =
              e.key === 'ArrowRight'
                ? (at + 1) % TABS.length
                : e.key === 'ArrowLeft'
                  ? (at + TABS.length - 1) % TABS.length
                  : e.key === 'Home'
                    ? 0
                    : e.key === 'End'
                      ? TABS.length - 1
                      : -1;
            const next = TABS[to];
            if (!next) return;
            e.preventDefault();
            onTab(next.id);
            document.getElementById(`class-tab-${next.id}`)?.focus();
          }}
          className={tab === t.id ? 'class-tab class-tab-active' : 'class-tab'}
          onClick={() => onTab(t.id)}
        >
          {t.label}
          {unseen[t.id] > 0 && tab !== t.id && (
            <>
              <span className="class-tab-badge" aria-hidden="true">
                {unseen[t.id]}
              </span>
              <span className="visually-hidden">, {unseen[t.id]} new</span>
            </>
          )}
        </button>
      ))}
    </div>
  );
}
