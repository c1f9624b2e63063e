// Opens an HTML report in headless Chromium (puppeteer-core) and prints, as one JSON object on
// stdout, what a reader would see: console errors, every network request the page made, whether
// every chart was drawn, the aria-labels of the drawn marks, the leaderboard tables before and
// after clicking a column, and saves a full-page screenshot (before the click).
//   node inspect_report.js NODE_MODULES CHROMIUM REPORT.html SCREENSHOT.png
"use strict";
const path = require("path");
const os = require("os");
const fs = require("fs");
const [modules, chromium, report, screenshot] = process.argv.slice(2);
const puppeteer = require(path.join(modules, "puppeteer-core"));

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "rb-report-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: profile,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"],
  });
  const found = { console_errors: [], page_errors: [], requests: [] };
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const url = "file://" + path.resolve(report);
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warn") found.console_errors.push(m.type() + ": " + m.text()); });
    page.on("pageerror", (e) => found.page_errors.push(String(e)));
    page.on("request", (r) => { if (r.url() !== url) found.requests.push(r.url()); });
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(() => document.body.hasAttribute("data-rendered"), { timeout: 120000 });
    found.rendered = await page.evaluate(() => document.body.getAttribute("data-rendered"));
    found.charts = await page.evaluate(() => Array.from(document.querySelectorAll("div.chart")).map((c) => ({
      id: c.id,
      kind: c.getAttribute("data-kind"),
      rendered: c.getAttribute("data-rendered"),
      svg: c.querySelectorAll("svg").length,
      marks: c.querySelectorAll("svg [role='graphics-symbol']").length,
      labels: Array.from(c.querySelectorAll("svg [aria-label]")).map((e) => e.getAttribute("aria-label")),
    })));
    const tables = () => Array.from(document.querySelectorAll("table.leaderboard")).map((t) => ({
      id: t.id,
      headers: Array.from(t.tHead.rows[0].cells).map((c) => c.textContent),
      rows: Array.from(t.tBodies[0].rows).map((r) => ({
        run: r.getAttribute("data-run"),
        cells: Array.from(r.cells).map((c) => c.textContent),
        values: Array.from(r.cells).map((c) => c.getAttribute("data-value")),
      })),
    }));
    found.tables = await page.evaluate(tables);
    found.bias = await page.evaluate(() => Array.from(document.querySelectorAll("td[data-bias]")).map((c) => ({
      run: c.closest(".run-panel").getAttribute("data-run"), field: c.getAttribute("data-bias"), text: c.textContent })));
    await page.screenshot({ path: screenshot, fullPage: true });
    // Click the headline column of every leaderboard once: descending -> ascending.
    await page.evaluate(() => document.querySelectorAll("table.leaderboard").forEach((t) => t.tHead.rows[0].cells[2].click()));
    found.tables_after_click = await page.evaluate(tables);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(found) + "\n");
})().catch((e) => { process.stderr.write(String(e && e.stack || e) + "\n"); process.exit(1); });
