// The front end of LearningRateCanvas: a log-scale slider and two loss curves on a canvas.
// Drawn at the display's pixel density; every label at 12 px; fixed size, so nothing moves.
const WIDTH = 560, HEIGHT = 300, PAD = { left: 56, right: 12, top: 12, bottom: 40 };

function logTicks(low, high) {
  const ticks = [];
  for (let e = Math.floor(Math.log10(low)); e <= Math.ceil(Math.log10(high)); e++) ticks.push(10 ** e);
  return ticks.filter((t) => t >= low / 1.0001 && t <= high * 1.0001);
}

function draw(canvas, train, val) {
  const ratio = window.devicePixelRatio || 1;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, WIDTH, HEIGHT);
  const finite = [...train, ...val].filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length === 0) return;
  let low = Math.min(...finite), high = Math.max(...finite);
  if (high / low < 10) { low = low / 2; high = high * 2; }
  const epochs = Math.max(train.length, 2);
  const x = (i) => PAD.left + (i / (epochs - 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (v) => PAD.top + (Math.log(high) - Math.log(v)) / (Math.log(high) - Math.log(low)) * (HEIGHT - PAD.top - PAD.bottom);
  ctx.font = "12px sans-serif";
  ctx.fillStyle = "#333";
  ctx.strokeStyle = "#ddd";
  ctx.lineWidth = 1;
  for (const t of logTicks(low, high)) {
    ctx.beginPath(); ctx.moveTo(PAD.left, y(t)); ctx.lineTo(WIDTH - PAD.right, y(t)); ctx.stroke();
    ctx.textAlign = "right"; ctx.textBaseline = "middle"; ctx.fillText(t.toPrecision(1), PAD.left - 6, y(t));
  }
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (let i = 0; i <= 4; i++) {
    const epoch = Math.round((i / 4) * (epochs - 1));
    ctx.fillText(String(epoch), x(epoch), HEIGHT - PAD.bottom + 6);
  }
  ctx.fillText("epoch", (PAD.left + WIDTH - PAD.right) / 2, HEIGHT - 16);
  for (const [values, colour, dash] of [[train, "#0072b2", []], [val, "#0072b2", [6, 4]]]) {
    ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.setLineDash(dash); ctx.beginPath();
    let started = false;
    values.forEach((v, i) => {
      if (!(Number.isFinite(v) && v > 0)) { started = false; return; }
      if (started) ctx.lineTo(x(i), y(v)); else { ctx.moveTo(x(i), y(v)); started = true; }
    });
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

export default {
  render({ model, el }) {
    el.classList.add("lr-canvas");
    const slider = Object.assign(document.createElement("input"), { type: "range", min: -4, max: 1, step: 0.1 });
    slider.classList.add("lr-canvas-slider");
    slider.value = Math.log10(model.get("learning_rate"));
    const canvas = document.createElement("canvas");
    const ratio = window.devicePixelRatio || 1;
    canvas.width = WIDTH * ratio; canvas.height = HEIGHT * ratio;
    canvas.style.width = `${WIDTH}px`; canvas.style.height = `${HEIGHT}px`;
    const readout = document.createElement("div");
    readout.classList.add("lr-canvas-readout");
    readout.style.font = "12px sans-serif"; readout.style.height = "1.5em"; readout.style.whiteSpace = "nowrap";
    el.append(slider, canvas, readout);
    slider.addEventListener("change", () => {
      model.set("learning_rate", 10 ** Number(slider.value));
      model.save_changes();
    });
    const redraw = () => {
      draw(canvas, model.get("train_loss"), model.get("val_loss"));
      readout.textContent = model.get("readout");
      el.dispatchEvent(new CustomEvent("drawn", { bubbles: true }));
    };
    model.on("change:frame", redraw);
    redraw();
  },
};
