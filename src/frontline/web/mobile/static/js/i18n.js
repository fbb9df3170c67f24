// The app's words, Chinese first; the reader's choice of English is kept on this phone.

const STORAGE_KEY = "frontline.lang";

const MESSAGES = {
  zh: {
    "app.name": "网格员工作台",
    "app.subtitle": "基层精细化服务平台",
    "lang.switch": "English",
    "lang.switch_label": "Switch to English",
    "net.online": "在线",
    "net.offline": "离线",
    "net.offline_banner": "当前离线：显示的是上次同步的数据，操作会在联网后自动提交。",
    "common.back": "返回",
    "common.cancel": "取消",
    "common.confirm": "确定",
    "common.none": "—",
    "common.working": "请稍候……",
    "error.network": "无法连接服务器，请检查网络后重试。",
    "error.unexpected": "出现错误：{detail}",
    "error.not_supported":
      "此浏览器不支持安全存储（WebCrypto / IndexedDB），无法使用本应用。请通过 HTTPS 地址，用最新版系统浏览器打开。",
    "enrol.title": "绑定本设备",
    "enrol.intro": "请输入管理员提供的绑定码，或用手机相机扫描绑定二维码。绑定码只能使用一次，24 小时内有效。",
    "enrol.code": "绑定码",
    "enrol.name": "设备名称",
    "enrol.name_hint": "便于管理员识别，例如“张三的手机”。",
    "enrol.submit": "绑定本设备",
    "enrol.code_missing": "请输入绑定码。",
    "enrol.done": "设备已绑定，请用您的账号登录。",
    "enrol.already": "本设备已经绑定，无需再次绑定。",
    "signin.title": "登录",
    "signin.intro": "使用您的网格员账号和密码登录。",
    "signin.username": "用户名",
    "signin.password": "密码",
    "signin.submit": "登录",
    "signin.missing": "请输入用户名和密码。",
    "signin.offline": "登录需要联网。",
    "signin.again": "登录已过期，请重新登录后同步。",
    "signin.locked_title": "本机已被锁定",
    "signin.locked_by_admin":
      "管理员已远程锁定本机。解锁密码无法解除此锁定，请输入账号密码重新登录。",
    "signin.locked_intro": "重新登录需要联网。本机保存的工单资料仍加密保存，登录后即可继续使用。",
    "pin.set_title": "设置解锁密码",
    "pin.set_intro": "设置 4 到 6 位数字解锁密码。离开应用一段时间后需输入此密码。",
    "pin.confirm_title": "再次输入解锁密码",
    "pin.mismatch": "两次输入不一致，请重新设置。",
    "pin.invalid": "解锁密码须为 4 到 6 位数字。",
    "pin.lock_title": "输入解锁密码",
    "pin.lock_intro": "应用已锁定，请输入解锁密码。",
    "pin.wrong": "解锁密码错误。",
    "pin.wrong_left": "解锁密码错误，还可尝试 {left} 次，之后本机数据将被擦除。",
    "pin.forgot": "忘记密码？用账号密码登录",
    "pin.ok": "确定",
    "pin.delete": "删除",
    "pin.digit": "数字 {digit}",
    "tasks.title": "我的工单",
    "tasks.empty": "暂无工单。",
    "tasks.all_grids": "全部网格",
    "tasks.grid": "网格 {grid}",
    "tasks.due": "截止 {date}",
    "tasks.overdue": "已逾期 {days} 天",
    "tasks.due_today": "今天到期",
    "tasks.held": "资料已离线保存",
    "tasks.not_held": "资料未下载",
    "tasks.pending": "待提交",
    "tasks.synced": "上次同步：{time}",
    "tasks.never_synced": "尚未同步",
    "tasks.sync": "立即同步",
    "tasks.syncing": "正在同步……",
    "tasks.sync_done": "同步完成。",
    "tasks.count": "共 {count} 项，逾期 {overdue} 项",
    "status.open": "待分派",
    "status.assigned": "已分派",
    "status.in_progress": "办理中",
    "status.done": "已办结",
    "status.cancelled": "已撤销",
    "task.title": "工单 {reference}",
    "task.subject": "对象资料",
    "task.no_package": "本工单的资料尚未下载到本机。联网同步后即可查看。",
    "task.purged": "本工单的资料已按规定从本机删除。",
    "task.gone": "此工单已不在您的工单列表中（已办结、已撤销或已改派他人）。",
    "task.mask.full": "",
    "task.mask.mask": "部分隐藏",
    "task.mask.last4": "仅后四位",
    "task.mask.year": "仅年份",
    "task.mask.hidden": "已隐藏",
    "task.expires": "本机资料保留至 {time}",
    "task.start": "开始办理",
    "task.complete": "办结",
    "task.outcome": "办理结果",
    "task.outcome_hint": "简要填写走访或核查结果。",
    "task.outcome_missing": "请填写办理结果。",
    "task.outcome_presets": "情况正常|本人不在家|需要跟进",
    "task.submit_complete": "提交办结",
    "task.queued": "已保存，将在联网后提交。",
    "task.sent": "已提交。",
    "task.step_refused": "工单 {reference} 的操作未被接受：{detail}",
    "task.done_outcome": "办理结果：{outcome}",
    "task.grid": "网格",
    "task.due": "截止日期",
    "task.status": "状态",
    "task.scenario": "服务事项",
    "nav.tasks": "工单",
    "nav.settings": "设置",
    "settings.title": "设置与设备",
    "settings.device": "本设备",
    "settings.device_id": "设备编号",
    "settings.thumbprint": "密钥指纹",
    "settings.user": "登录账号",
    "settings.last_check_in": "最近签到",
    "settings.packages": "离线保存的工单资料",
    "settings.policy": "锁定与离线规则",
    "settings.policy_text": "闲置 {idle} 分钟后锁定；离线超过 {grace} 小时自动删除资料。",
    "settings.version": "应用版本",
    "settings.lock_now": "立即锁定",
    "settings.wipe": "擦除本机全部数据",
    "settings.wipe_confirm": "确定擦除本机的全部工单资料、密钥和登录信息吗？之后需要重新绑定设备。",
    "settings.sign_in": "重新登录",
    "wipe.done": "本机数据已擦除。如需继续使用，请重新绑定本设备。",
    "wipe.by_admin": "管理员已远程擦除本机数据。如需继续使用，请重新绑定本设备。",
    "wipe.revoked": "本设备已被停用（例如报告丢失），本机数据已全部擦除。如有疑问请联系管理员。",
    "wipe.pin": "解锁密码错误次数过多，本机数据已擦除。请重新绑定本设备。",
    "time.never": "从未",
  },
  en: {
    "app.name": "Frontline",
    "app.subtitle": "Grid worker app",
    "lang.switch": "中文",
    "lang.switch_label": "切换到中文",
    "net.online": "Online",
    "net.offline": "Offline",
    "net.offline_banner":
      "You are offline: showing the last synced data. Steps are sent when the network is back.",
    "common.back": "Back",
    "common.cancel": "Cancel",
    "common.confirm": "OK",
    "common.none": "—",
    "common.working": "Please wait…",
    "error.network": "Cannot reach the server. Check the network and try again.",
    "error.unexpected": "Something went wrong: {detail}",
    "error.not_supported":
      "This browser lacks secure storage (WebCrypto / IndexedDB). Open the app over HTTPS in an up-to-date system browser.",
    "enrol.title": "Enrol this device",
    "enrol.intro":
      "Enter the enrolment code from your administrator, or scan the enrolment QR code with the camera. A code works once, for 24 hours.",
    "enrol.code": "Enrolment code",
    "enrol.name": "Device name",
    "enrol.name_hint": "So your administrator can tell it apart, e.g. “Zhang San's phone”.",
    "enrol.submit": "Enrol this device",
    "enrol.code_missing": "Enter the enrolment code.",
    "enrol.done": "Device enrolled. Sign in with your account.",
    "enrol.already": "This device is already enrolled.",
    "signin.title": "Sign in",
    "signin.intro": "Sign in with your grid worker account.",
    "signin.username": "Username",
    "signin.password": "Password",
    "signin.submit": "Sign in",
    "signin.missing": "Enter your username and password.",
    "signin.offline": "Signing in needs the network.",
    "signin.again": "Your sign-in has expired. Sign in again to sync.",
    "signin.locked_title": "This phone is locked",
    "signin.locked_by_admin":
      "Your administrator locked this phone. The PIN cannot open it: sign in again with your password.",
    "signin.locked_intro":
      "Signing in needs the network. The task data on this phone stays encrypted and is there again once you are signed in.",
    "pin.set_title": "Set an unlock PIN",
    "pin.set_intro":
      "Choose a PIN of 4 to 6 digits. You enter it when the app has been left alone for a while.",
    "pin.confirm_title": "Enter the PIN again",
    "pin.mismatch": "The two PINs differ. Please start again.",
    "pin.invalid": "The PIN must be 4 to 6 digits.",
    "pin.lock_title": "Enter your PIN",
    "pin.lock_intro": "The app is locked. Enter your PIN.",
    "pin.wrong": "Wrong PIN.",
    "pin.wrong_left": "Wrong PIN. {left} tries left before the data on this phone is erased.",
    "pin.forgot": "Forgot the PIN? Sign in with your password",
    "pin.ok": "OK",
    "pin.delete": "Delete",
    "pin.digit": "Digit {digit}",
    "tasks.title": "My tasks",
    "tasks.empty": "No tasks.",
    "tasks.all_grids": "All grids",
    "tasks.grid": "Grid {grid}",
    "tasks.due": "Due {date}",
    "tasks.overdue": "Overdue by {days} d",
    "tasks.due_today": "Due today",
    "tasks.held": "Data kept offline",
    "tasks.not_held": "Data not downloaded",
    "tasks.pending": "Waiting to send",
    "tasks.synced": "Last sync: {time}",
    "tasks.never_synced": "Not synced yet",
    "tasks.sync": "Sync now",
    "tasks.syncing": "Syncing…",
    "tasks.sync_done": "Synced.",
    "tasks.count": "{count} tasks, {overdue} overdue",
    "status.open": "Open",
    "status.assigned": "Assigned",
    "status.in_progress": "In progress",
    "status.done": "Done",
    "status.cancelled": "Cancelled",
    "task.title": "Task {reference}",
    "task.subject": "Subject",
    "task.no_package": "This task's data is not on this phone yet. Sync when online to see it.",
    "task.purged": "This task's data has been deleted from this phone, as the rules require.",
    "task.gone": "This task is no longer on your list (done, cancelled or given to someone else).",
    "task.mask.full": "",
    "task.mask.mask": "partly hidden",
    "task.mask.last4": "last four only",
    "task.mask.year": "year only",
    "task.mask.hidden": "hidden",
    "task.expires": "Kept on this phone until {time}",
    "task.start": "Start task",
    "task.complete": "Complete task",
    "task.outcome": "Outcome",
    "task.outcome_hint": "A short note on the visit or check.",
    "task.outcome_missing": "Enter the outcome.",
    "task.outcome_presets": "All well|Not at home|Needs follow-up",
    "task.submit_complete": "Submit",
    "task.queued": "Saved; it will be sent when online.",
    "task.sent": "Sent.",
    "task.step_refused": "A step of task {reference} was not accepted: {detail}",
    "task.done_outcome": "Outcome: {outcome}",
    "task.grid": "Grid",
    "task.due": "Due",
    "task.status": "Status",
    "task.scenario": "Service",
    "nav.tasks": "Tasks",
    "nav.settings": "Settings",
    "settings.title": "Settings and device",
    "settings.device": "This device",
    "settings.device_id": "Device",
    "settings.thumbprint": "Key thumbprint",
    "settings.user": "Signed in as",
    "settings.last_check_in": "Last check-in",
    "settings.packages": "Task data kept offline",
    "settings.policy": "Lock and offline rules",
    "settings.policy_text":
      "Locks after {idle} min idle; data is deleted after {grace} h without a check-in.",
    "settings.version": "App version",
    "settings.lock_now": "Lock now",
    "settings.wipe": "Erase all data on this phone",
    "settings.wipe_confirm":
      "Erase all task data, keys and sign-in on this phone? You will have to enrol the device again.",
    "settings.sign_in": "Sign in again",
    "wipe.done": "The data on this phone has been erased. Enrol the device again to continue.",
    "wipe.by_admin":
      "Your administrator erased the data on this phone. Enrol the device again to continue.",
    "wipe.revoked":
      "This device has been revoked (for example, reported lost) and all its data erased. Ask your administrator if in doubt.",
    "wipe.pin": "Too many wrong PINs: the data on this phone has been erased. Enrol the device again.",
    "time.never": "never",
  },
};

/** The language in use: "zh" unless the reader switched to English on this phone. */
export function language() {
  try {
    return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh";
  } catch {
    return "zh";
  }
}

/** Keep `lang` ("zh" or "en") as the reader's choice. */
export function setLanguage(lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang === "en" ? "en" : "zh");
  } catch {
    // Private mode without storage: the choice lasts until the page is closed.
  }
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
}

/** The `Accept-Language` the app sends, so problem details come back in the reader's language. */
export function acceptLanguage() {
  return language() === "en" ? "en, zh-CN;q=0.5" : "zh-CN, zh;q=0.9, en;q=0.3";
}

/** The message `key` in the current language, `{name}` placeholders filled from `values`. */
export function t(key, values = {}) {
  const lang = language();
  const text = MESSAGES[lang][key] ?? MESSAGES.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}

/** Whether a message exists (in either language). */
export function has(key) {
  return Object.hasOwn(MESSAGES.zh, key);
}

/** A date-and-time as the reader expects it, or "never". */
export function formatTime(ms) {
  if (!ms) return t("time.never");
  return new Intl.DateTimeFormat(language() === "en" ? "en-GB" : "zh-CN", {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(ms));
}

/** A calendar date ("2026-03-05") with its weekday. */
export function formatDate(isoDate) {
  const day = parseDate(isoDate);
  if (!day) return isoDate || t("common.none");
  return new Intl.DateTimeFormat(language() === "en" ? "en-GB" : "zh-CN", {
    month: "short",
    day: "numeric",
    weekday: "short",
  }).format(day);
}

/** A calendar date as local midnight, or null. */
export function parseDate(isoDate) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate || "");
  if (!match) return null;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}
