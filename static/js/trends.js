// The trends page's charts (templates/dashboards/trends.html), drawn with ECharts from the JSON the page
// carries (#trend-data, made by dashboards/trend_views.py): one chart per [data-trend-chart] element.
// The tooltip is drawn on the canvas (renderMode "richText"): ECharts' HTML tooltip would carry inline
// styles, which the Content Security Policy refuses.
(function () {
  "use strict";

  var source = document.getElementById("trend-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var charts = [];

  function narrow(element) {
    return element.clientWidth < 520;
  }

  // The period in full, then each series' value: "2026年11月\n发现隐患: 3".
  function tooltipText(items, chart) {
    var lines = [data.periods[items[0].dataIndex]];
    items.forEach(function (item) {
      var suffix = chart.series[item.seriesIndex].suffix || "";
      var value = item.value === null || item.value === undefined ? "—" : item.value + suffix;
      lines.push(item.seriesName + ": " + value);
    });
    return lines.join("\n");
  }

  function option(key, element) {
    var chart = data.charts[key];
    var small = narrow(element);
    var twoAxes = chart.axes.length > 1;
    var yAxis = [{ type: "value", minInterval: 1, name: small ? "" : chart.axes[0] || "" }];
    if (twoAxes) {
      yAxis.push({ type: "value", min: 0, max: 100, name: small ? "" : chart.axes[1], axisLabel: { formatter: "{value}%" }, splitLine: { show: false } });
    }
    return {
      animation: false,
      color: chart.series.map(function (series) { return series.color; }),
      grid: { left: 8, right: twoAxes ? 8 : 16, top: small ? 36 : 48, bottom: 8, containLabel: true },
      legend: { type: small ? "scroll" : "plain", top: 0, left: 0, itemWidth: 14, itemHeight: 10 },
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        axisPointer: { type: "shadow" },
        formatter: function (items) { return tooltipText(items, chart); },
      },
      xAxis: { type: "category", data: data.labels, axisTick: { alignWithLabel: true }, axisLabel: { hideOverlap: true } },
      yAxis: yAxis,
      series: chart.series.map(function (series) {
        return {
          name: series.name,
          type: series.type,
          data: series.data,
          yAxisIndex: series.axis || 0,
          connectNulls: false,
          barMaxWidth: 24,
          symbolSize: 6,
        };
      }),
    };
  }

  document.querySelectorAll("[data-trend-chart]").forEach(function (element) {
    var key = element.getAttribute("data-trend-chart");
    if (!data.charts[key]) return;
    var chart = window.echarts.init(element, null, { renderer: "canvas", locale: data.locale });
    chart.setOption(option(key, element));
    element.setAttribute("data-drawn", "true");
    charts.push({ chart: chart, key: key, element: element, small: narrow(element) });
  });

  // Charts follow their box: a window resized, a phone turned, the layout's columns changed.
  var pending = null;
  function resize() {
    pending = null;
    charts.forEach(function (entry) {
      var small = narrow(entry.element);
      if (small !== entry.small) {
        entry.small = small;
        entry.chart.setOption(option(entry.key, entry.element), { replaceMerge: ["yAxis"] });
      }
      entry.chart.resize();
    });
  }
  function schedule() {
    if (pending === null) pending = window.requestAnimationFrame(resize);
  }
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(schedule);
    charts.forEach(function (entry) { observer.observe(entry.element); });
  } else {
    window.addEventListener("resize", schedule);
  }
})();
