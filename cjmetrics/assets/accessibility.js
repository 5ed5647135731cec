// Chart semantics, applied to the page as Streamlit draws it (and again whenever it redraws):
// drawn on every page by cjmetrics.ui.accessibility_support().
//  - Each chart (a container keyed "...-figure" holding the chart and its summary caption, see
//    ui.accessible_chart) gets role="img" on its Plotly chart, whose aria-label Streamlit
//    already sets from the title, and aria-describedby pointing at the one-sentence summary.
//  - Heading anchor links leave the tab order (below).
//  - An opened menu (st.popover: a chart's Download menu) takes the focus (below).
(() => {
  if (window.cjmAccessibility) return;
  window.cjmAccessibility = true;

  function labelCharts(root) {
    root.querySelectorAll('[class*="st-key-"][class*="-figure"]').forEach((card) => {
      const chart = card.querySelector('[data-testid="stPlotlyChart"]');
      const summary = card.querySelector('[data-testid="stCaptionContainer"]');
      if (!chart) return;
      if (summary && !summary.id) {
        const key = [...card.classList].find((name) => name.startsWith('st-key-'));
        summary.id = `${key}-summary`;
      }
      if (chart.getAttribute('role') !== 'img') chart.setAttribute('role', 'img');
      if (summary && summary.id && chart.getAttribute('aria-describedby') !== summary.id) {
        chart.setAttribute('aria-describedby', summary.id);
      }
    });
    // Streamlit's "link to this heading" anchors: a Tab stop per heading that only copies a
    // link (the page's address does as much); kept for the mouse, out of the tab order.
    root.querySelectorAll('[data-testid="stHeaderActionElements"] a').forEach((link) => {
      if (link.getAttribute('tabindex') !== '-1') link.setAttribute('tabindex', '-1');
    });
  }

  // Streamlit draws a menu's dialog at the end of the page, so Tab from its button skipped
  // over it to the rest of the page. Once the dialog's buttons are drawn (a chart card draws
  // them only after it opens), the first takes the focus, as a dialog's should; Escape gives
  // the focus back to the menu's button.
  function focusOpenedMenu() {
    const opener = document.activeElement;
    if (!opener || !opener.matches('[data-testid="stPopoverButton"][aria-expanded="true"]')) return;
    const first = document.querySelector(
      '[data-testid="stPopoverBody"] button:not([disabled]), [data-testid="stPopoverBody"] a[href]');
    if (first) first.focus();
  }

  let pending = false;
  const observer = new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; labelCharts(document); focusOpenedMenu(); });
  });
  observer.observe(document.body, { childList: true, subtree: true });
  labelCharts(document);
})();
