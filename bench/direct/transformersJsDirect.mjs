// Minimal direct transformers.js loop (no slmbench code). argv: folder threads promptIdsJson genTokens repetitions warmups [warmupSeconds]
import { AutoModelForCausalLM, BaseStreamer, Tensor, env } from '@huggingface/transformers';

const [folder, threads, promptJson, gen, reps, warmups, warmupSeconds = '0'] = process.argv.slice(2);
env.allowRemoteModels = false;
env.useFSCache = false;
const prompt = JSON.parse(promptJson);
const genTokens = Number(gen);
const model = await AutoModelForCausalLM.from_pretrained(folder, {
  device: 'cpu',
  dtype: 'fp32',
  local_files_only: true,
  session_options: { intraOpNumThreads: Number(threads), interOpNumThreads: 1 },
});
class Timestamps extends BaseStreamer {
  times = [];
  first = true;
  put() {
    if (this.first) { this.first = false; return; } // the prompt
    this.times.push(performance.now());
  }
  end() {}
}
const decodeTps = [];
// Warm up for `warmups` runs and at least `warmupSeconds`, as the harness does (measure.warmupSeconds).
const warmupUntil = performance.now() + Number(warmupSeconds) * 1000;
let warmed = 0;
while (decodeTps.length < Number(reps)) {
  const measuring = warmed >= Number(warmups) && performance.now() >= warmupUntil;
  const streamer = new Timestamps();
  const input_ids = new Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]);
  const attention_mask = new Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
  await model.generate({ input_ids, attention_mask, max_new_tokens: genTokens, min_new_tokens: genTokens, do_sample: false, streamer });
  const t = streamer.times;
  if (measuring) decodeTps.push(((t.length - 1) / (t[t.length - 1] - t[0])) * 1000);
  else warmed++;
}
process.stdout.write(`${JSON.stringify({ decodeTps })}\n`);
process.exit(0);
