"""The shell's own messages: the console frame, sign-in, the home page and problem details.

Each problem's detail says what happened and what the reader can do about it. Features bring
their own messages (see `frontline.web.features.Feature.messages`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from frontline.staff.roles import Role
from frontline.web.catalogue import Text

_ROLES_EN = {
    Role.ADMINISTRATOR: "Administrator",
    Role.DATA_STEWARD: "Data steward",
    Role.DEPARTMENT_MANAGER: "Department manager",
    Role.WORKER: "Worker",
    Role.WINDOW_CLERK: "Window clerk",
    Role.AUDITOR: "Auditor",
}

_SHELL = {
    "app.name": Text("基层精细化服务平台", "Frontline"),
    "app.console": Text("管理控制台", "Management console"),
    "app.skip": Text("跳到正文", "Skip to content"),
    "language.switch": Text("English", "中文"),
    "language.switch_label": Text("切换到英文", "Switch to Chinese"),
    "nav.label": Text("主导航", "Main navigation"),
    "nav.home": Text("首页", "Home"),
    "header.role": Text("角色", "Role"),
    "header.department": Text("部门", "Department"),
    "header.area": Text("区域", "Area"),
    "header.sign_out": Text("退出登录", "Sign out"),
    "sign_in.title": Text("登录", "Sign in"),
    "sign_in.intro": Text("请使用您的工作账号登录。", "Sign in with your staff account."),
    "sign_in.username": Text("用户名", "Username"),
    "sign_in.password": Text("密码", "Password"),
    "sign_in.submit": Text("登录", "Sign in"),
    "sign_in.missing": Text("请输入用户名和密码。", "Enter your username and password."),
    "sign_in.required": Text(
        "请先登录；如果您刚才已登录，登录可能已过期。",
        "Sign in first; if you were signed in, your sign-in may have expired.",
    ),
    "sign_in.signed_out": Text("您已退出登录。", "You are signed out."),
    "sign_in.footer": Text(
        "忘记密码或账号被锁定时，请联系本单位的系统管理员。",
        "If you forgot your password or your account is locked, ask your administrator.",
    ),
    "home.title": Text("首页", "Home"),
    "home.welcome": Text("{name}，您好", "Welcome, {name}"),
    "home.intro": Text(
        "以下是您的角色可以使用的功能。", "These are the parts of the console your roles may use."
    ),
    "home.nothing": Text(
        "您的角色目前没有可用的控制台功能；如有需要，请联系系统管理员。",
        "Your roles give you no console pages yet; ask your administrator if you need one.",
    ),
    "home.you": Text("您的账号", "Your account"),
    "problem.back": Text("返回首页", "Back to the home page"),
    "problem.reference": Text("问题编号", "Reference"),
    "problem.reference_hint": Text(
        "如需求助，请把此编号告诉系统管理员。", "Quote this reference if you ask for help."
    ),
}

_PROBLEMS = {
    "problem.unauthenticated.title": Text("未登录", "Not signed in"),
    "problem.unauthenticated.detail": Text(
        "请先登录：请求没有携带有效的访问令牌（令牌缺失、无效或已过期）。过期时请用刷新令牌换取新令牌。",
        "Sign in first: the request has no valid access token (missing, invalid or expired). "
        "If it expired, exchange your refresh token for a new one.",
    ),
    "problem.bad-credentials.title": Text("用户名或密码不正确", "Wrong username or password"),
    "problem.bad-credentials.detail": Text(
        "用户名或密码不正确，请检查后重试。连续多次失败后账号会被暂时锁定。",
        "The username or password is wrong; check them and try again. Repeated failures "
        "lock the account for a while.",
    ),
    "problem.account-locked.title": Text("账号已暂时锁定", "Account temporarily locked"),
    "problem.account-locked.detail": Text(
        "登录失败次数过多，账号已暂时锁定。请在 {wait}后再试，或请系统管理员解锁。",
        "Too many failed sign-ins have locked the account. Try again in {wait}, "
        "or ask your administrator to unlock it.",
    ),
    "problem.rate-limited.title": Text("请求过于频繁", "Too many attempts"),
    "problem.rate-limited.detail": Text(
        "登录尝试过于频繁，请在 {wait}后再试。",
        "Too many sign-in attempts; try again in {wait}.",
    ),
    "problem.device-required.title": Text("请在手机上登录", "Sign in on your phone"),
    "problem.device-required.detail": Text(
        "网格员请在已绑定的手机上用 Frontline 应用登录（密码加已绑定的手机）。",
        "Grid workers sign in with the Frontline app on their enrolled phone (password and phone).",
    ),
    "problem.account-inactive.title": Text("账号已停用", "Account disabled"),
    "problem.account-inactive.detail": Text(
        "此账号已停用，无法登录。如需恢复，请联系系统管理员。",
        "This account is disabled and cannot sign in; ask your administrator to enable it.",
    ),
    "problem.session-invalid.title": Text("登录已失效", "Sign-in no longer valid"),
    "problem.session-invalid.detail": Text(
        "刷新令牌无效、已过期、已被使用或已退出登录。请重新登录。",
        "The refresh token is invalid, expired, already used, or its session was signed "
        "out. Sign in again.",
    ),
    "problem.forbidden.title": Text("无权访问", "Not allowed"),
    "problem.forbidden.detail": Text(
        "您的角色无权执行此操作。如工作需要，请联系系统管理员调整角色。",
        "Your roles do not allow this. If your work needs it, ask your administrator to "
        "change your roles.",
    ),
    "problem.csrf.title": Text("表单已过期", "Form expired"),
    "problem.csrf.detail": Text(
        "表单已过期或不是从本站提交的。请刷新页面后重新提交。",
        "The form expired or was not sent from this site. Reload the page and submit it again.",
    ),
    "problem.not-found.title": Text("找不到页面", "Not found"),
    "problem.not-found.detail": Text(
        "请求的地址不存在。请检查地址，或从首页重新进入。",
        "Nothing exists at this address. Check it, or start again from the home page.",
    ),
    "problem.method-not-allowed.title": Text("不支持的请求方法", "Method not allowed"),
    "problem.method-not-allowed.detail": Text(
        "此地址不支持该请求方法；响应头 Allow 列出了可用的方法。",
        "This address does not accept that method; the Allow header lists the ones it does.",
    ),
    "problem.invalid-request.title": Text("请求内容有误", "Invalid request"),
    "problem.invalid-request.detail": Text(
        "请求中有 {count} 处错误，请按 errors 中的说明更正后重试。",
        "The request has {count} error(s); correct them as `errors` explains and try again.",
    ),
    "problem.invalid-host.title": Text("主机名不被接受", "Host not accepted"),
    "problem.invalid-host.detail": Text(
        "服务未配置为接受此主机名。管理员可在 FRONTLINE_ALLOWED_HOSTS 中加入它。",
        "The service is not set up to answer this host name; an administrator can add it "
        "to FRONTLINE_ALLOWED_HOSTS.",
    ),
    "problem.bad-request.title": Text("请求无法解析", "Request not readable"),
    "problem.bad-request.detail": Text(
        "无法读取请求内容。请检查请求体是否为有效的 UTF-8 JSON，并与 Content-Type 一致。",
        "The request body cannot be read; check that it is valid UTF-8 JSON and matches its "
        "Content-Type.",
    ),
    "problem.http.title": Text("请求失败", "Request failed"),
    "problem.http.detail": Text(
        "服务无法处理此请求（HTTP {status}）。",
        "The service cannot handle this request (HTTP {status}).",
    ),
    "problem.internal.title": Text("服务器内部错误", "Server error"),
    "problem.internal.detail": Text(
        "服务器处理请求时出错，您的操作未被保存。请稍后重试；如仍失败，请把问题编号告诉系统管理员。",
        "The server failed while handling the request and saved nothing. Try again later; if "
        "it keeps failing, give your administrator the reference in `instance`.",
    ),
    "problem.unavailable.title": Text("服务暂不可用", "Service unavailable"),
    "problem.unavailable.detail": Text(
        "服务暂时无法连接数据库。请稍后重试；如持续出现，请通知系统管理员。",
        "The service cannot reach its database right now. Try again shortly; if it lasts, "
        "tell your administrator.",
    ),
}

# Chinese messages for the common validation errors (pydantic's error types); the English
# one is pydantic's own message, which is already specific.
_FIELDS = {
    "field.missing": Text("必须填写此项。", "This field is required."),
    "field.string_too_short": Text(
        "内容太短（至少 {min_length} 个字符）。", "Too short (at least {min_length} characters)."
    ),
    "field.string_too_long": Text(
        "内容太长（最多 {max_length} 个字符）。", "Too long (at most {max_length} characters)."
    ),
    "field.string_type": Text("应为文本。", "Must be text."),
    "field.int_parsing": Text("应为整数。", "Must be a whole number."),
    "field.json_invalid": Text("请求体不是有效的 JSON。", "The body is not valid JSON."),
    "field.model_attributes_type": Text(
        "请求体应为 JSON 对象。", "The body must be a JSON object."
    ),
    "field.dict_type": Text("应为 JSON 对象。", "Must be a JSON object."),
    "field.extra_forbidden": Text("不认识此字段，请删除。", "Unknown field; remove it."),
    "field.literal_error": Text("取值不在允许范围内。", "Not one of the allowed values."),
    "field.enum": Text("取值不在允许范围内。", "Not one of the allowed values."),
    "field.invalid": Text("取值无效：{message}", "Invalid value: {message}"),
}


def core_messages() -> Mapping[str, Text]:
    """The shell's messages, role names included."""
    roles = {f"role.{role.value}": Text(role.label_zh, _ROLES_EN[role]) for role in Role}
    return MappingProxyType({**_SHELL, **_PROBLEMS, **_FIELDS, **roles})
