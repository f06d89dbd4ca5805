// The notebook's pages (data-view on <body>): each module shows one page from the opened
// entries, and names the kinds of entry it needs (`types`, none listed: every kind), so that a
// page downloads only those.
import * as agreement from "./agreement.js";
import * as evaluation from "./evaluation.js";
import * as goals from "./goals.js";
import * as meeting from "./meeting.js";
import * as meetings from "./meetings.js";
import * as overview from "./overview.js";
import * as print from "./print.js";

export const VIEWS = { overview, agreement, goals, meetings, meeting, evaluation, print };
