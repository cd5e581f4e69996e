"""The error answers each kind of command operation documents (RFC 9457 problem details)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse

from fangkong.core.api.problems import PROBLEM_CONTENT_TYPE, ProblemSerializer

_WHY = {
    400: "请求无效：`errors` 逐项列出字段（JSON 键）与原因",
    401: "未提供或无效的凭据",
    403: "无此操作权限",
    404: "不存在或不在您的可见范围内",
    409: "当前状态不允许此操作：`code` 说明原因",
}


def problems(*statuses: int) -> dict[Any, Any]:
    """`responses` entries for the given error statuses, as application/problem+json."""
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=_WHY[status])
        for status in statuses
    }


LIST = problems(400, 401, 403)  # lists validate their query parameters
DETAIL = problems(401, 403, 404)
CREATE = problems(400, 401, 403, 409)
ACTION = problems(400, 401, 403, 404, 409)  # a write on one object
