// Loads the code that draws charts and tables once the first page shown has drawn and the
// browser is idle: drawn on every page by cjmetrics.ui.accessibility_support(), run once per
// browser tab. Streamlit fetches each element's code the first time a page shows one, and
// Plotly's is 4.7 MB: a browser compiles it in about a second the first time (later visits use
// its compiled copy, about 0.1 s), and the first chart page of a visit waited for that, with a
// placeholder where the chart goes, on top of its own run. Loaded here in the background while
// the lead reads the first page, the next page's charts draw as soon as their figures arrive.
// The chunk names are Streamlit's own build's (window.cjmChartCode, set by the app beside
// this script); the same address is imported as Streamlit imports it, so the browser loads
// each module once.
(() => {
  if (window.cjmChartCodeStarted) return;
  window.cjmChartCodeStarted = true;

  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  const chunks = window.cjmChartCode || [];
  if (!entry || !chunks.length) return;
  const idle = (next) => (window.requestIdleCallback
    ? requestIdleCallback(next, { timeout: 2000 }) : setTimeout(next, 200));

  async function load() {
    for (const name of chunks) {  // one after another: each blocks the page while it compiles
      try { await import(new URL(`./${name}`, entry.src).href); } catch (error) { return; }
      await new Promise(idle);
    }
  }

  // After the first run has finished and the page has been still for a moment.
  let quiet = 0;
  const timer = setInterval(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const still = app && app.dataset.testScriptState === 'notRunning'
      && !document.querySelector('[data-testid="stSkeleton"]');
    quiet = still ? quiet + 1 : 0;
    if (quiet >= 3) { clearInterval(timer); idle(load); }
  }, 250);
})();
