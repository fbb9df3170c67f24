// The screens. Each is an async function of the app controller (see main.js) answering
// {body, actions, tab, cleanup?}: `body` fills the page, `actions` the bar at the bottom
// (primary actions within the thumb's reach), `tab` the bottom navigation's current entry
// (null: no navigation, as on the enrol, sign-in and PIN screens).
//
// One module per screen (or pair of screens), under screens/.

export { lockScreen, setPinScreen } from "./screens/lock.js";
export { settingsScreen } from "./screens/settings.js";
export { enrolScreen, signInScreen } from "./screens/sign_in.js";
export { taskScreen } from "./screens/task.js";
export { overdueDays, tasksScreen } from "./screens/tasks.js";
