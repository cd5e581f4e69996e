"""The error answers the venues API documents, each with the problem-details body."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

from fangkong.core.api.problems import ProblemSerializer

_MEANING = {
    400: "请求内容有误：errors 逐项指出 JSON 键（批量记录另给 row）",
    401: "未提供凭据或令牌无效",
    403: "无此操作权限",
    404: "对象不存在或不在您的管辖范围内",
    409: "请求有效，但与当前状态冲突（code 说明原因）",
    429: "请求过于频繁，请按 Retry-After 稍后重试",
}


def problems(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        status: OpenApiResponse(ProblemSerializer, description=_MEANING[status])
        for status in statuses
    }
