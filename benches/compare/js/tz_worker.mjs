// Worker for compare.mjs --tz-plugin: runs dayjs-business-time on dayjs timezone-plugin
// objects, one answer per message, so that the main thread can notice a query that
// never returns (an infinite loop), end this worker and go on from the next query.
import { parentPort, workerData } from "node:worker_threads";
import dayjs from "dayjs";
import utcPlugin from "dayjs/plugin/utc.js";
import tzPlugin from "dayjs/plugin/timezone.js";
import businessTime from "dayjs-business-time";

const { kind, queries, zone, holidays } = workerData;
dayjs.extend(utcPlugin);
dayjs.extend(tzPlugin);
dayjs.extend(businessTime);
const week = { start: "09:00:00", end: "17:00:00" };
dayjs.setBusinessTime({
  sunday: null, monday: [week], tuesday: [week], wednesday: [week],
  thursday: [week], friday: [week], saturday: null,
});
dayjs.setHolidays(holidays);

const inputs = queries.map(([x, y]) => (kind === "range" ? [dayjs(x).tz(zone), dayjs(y).tz(zone)] : [dayjs(x).tz(zone), y / 60_000]));
for (const [x, y] of inputs) {
  try {
    const v = kind === "range" ? x.businessMinutesDiff(y) * 60_000 : x.addBusinessMinutes(y).valueOf();
    parentPort.postMessage({ v });
  } catch (e) {
    parentPort.postMessage({ err: `${e.name}: ${e.message}` });
  }
}
parentPort.postMessage({ done: true });
