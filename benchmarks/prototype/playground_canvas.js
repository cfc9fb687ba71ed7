// The front end of PlaygroundCanvas: Play / Pause, the decision surface with the points, the loss curve
// and the epoch counter, all from one message per frame and drawn at the next animation frame.
const MAP = 300, CURVE_W = 260, GRID = 60;
const ORANGE = [245, 147, 34], BLUE = [8, 119, 189];

export default {
  render({ model, el }) {
    el.classList.add("playground-canvas");
    const play = Object.assign(document.createElement("button"), { textContent: "Play" });
    play.classList.add("playground-canvas-play");
    const pause = Object.assign(document.createElement("button"), { textContent: "Pause" });
    pause.classList.add("playground-canvas-pause");
    const epoch = document.createElement("span");
    epoch.classList.add("playground-canvas-epoch");
    epoch.style.cssText = "font: 12px sans-serif; display: inline-block; width: 7em; margin-left: 1em";
    const ratio = window.devicePixelRatio || 1;
    const canvas = document.createElement("canvas");
    canvas.width = (MAP + CURVE_W + 20) * ratio; canvas.height = MAP * ratio;
    canvas.style.width = `${MAP + CURVE_W + 20}px`; canvas.style.height = `${MAP}px`;
    const bar = document.createElement("div");
    bar.append(play, pause, epoch);
    el.append(bar, canvas);
    play.addEventListener("click", () => { model.set("playing", true); model.save_changes(); });
    pause.addEventListener("click", () => { model.set("playing", false); model.save_changes(); });

    const ctx = canvas.getContext("2d");
    const cell = new OffscreenCanvas(GRID, GRID);
    const cellCtx = cell.getContext("2d");
    const image = cellCtx.createImageData(GRID, GRID);
    let pending = false;

    const paint = () => {
      pending = false;
      const grid = new Uint8Array(model.get("grid").buffer ?? model.get("grid"));
      for (let i = 0; i < GRID * GRID; i++) {
        const p = grid[i] / 255, q = 1 - p, sure = Math.abs(p - 0.5) * 2;
        const row = GRID - 1 - Math.floor(i / GRID), col = i % GRID;  // the grid's first row is the lowest x2
        const k = 4 * (row * GRID + col);
        for (let c = 0; c < 3; c++) image.data[k + c] = 255 - 0.6 * sure * (255 - (q * ORANGE[c] + p * BLUE[c]));
        image.data[k + 3] = 255;
      }
      cellCtx.putImageData(image, 0, 0);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, MAP + CURVE_W + 20, MAP);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(cell, 0, 0, MAP, MAP);
      const points = new Float32Array(model.get("points").buffer.slice(0));
      for (let i = 0; i < points.length; i += 3) {
        ctx.beginPath(); ctx.arc(points[i] * MAP, (1 - points[i + 1]) * MAP, 3, 0, 2 * Math.PI);
        ctx.fillStyle = points[i + 2] > 0.5 ? "rgb(8,119,189)" : "rgb(245,147,34)"; ctx.fill();
        ctx.strokeStyle = "white"; ctx.lineWidth = 0.8; ctx.stroke();
      }
      const losses = model.get("train_loss"), left = MAP + 20, top = 10, h = MAP - 40, w = CURVE_W - 10;
      const high = Math.max(...losses, 1e-9);
      ctx.strokeStyle = "#ccc"; ctx.strokeRect(left, top, w, h);
      ctx.strokeStyle = "#333"; ctx.lineWidth = 1.5; ctx.beginPath();
      const n = Math.max(losses.length - 1, 1);
      losses.forEach((v, i) => { const x = left + (i / n) * w, y = top + h - (v / high) * h; i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
      ctx.stroke();
      ctx.font = "12px sans-serif"; ctx.fillStyle = "#333";
      ctx.fillText(`training loss ${losses[losses.length - 1].toFixed(3)}`, left, MAP - 12);
      epoch.textContent = `epoch ${model.get("epoch")}`;  // from the same message as the picture
      el.dispatchEvent(new CustomEvent("drawn", { bubbles: true, detail: { epoch: model.get("epoch") } }));
    };
    model.on("change:frame", () => { if (!pending) { pending = true; requestAnimationFrame(paint); } });
    paint();
  },
};
