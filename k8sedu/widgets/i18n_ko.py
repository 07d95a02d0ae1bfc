"""The Korean message catalog (한국어): widget labels, check() tables, pictures, banners.

Terms follow the Korean Kubernetes documentation's glossary (파드, 서비스, 디플로이먼트,
레플리카셋, 컨트롤 플레인, 워커 노드 …) and its plain 평어체. Names of API kinds, fields,
components and plugins stay as the API spells them where a learner types them (ReplicaSet in a
column of kubectl's own words, kube-scheduler, NodeResourcesFit). Loaded by
``k8sedu.set_language("ko")``; English text passed in by code cells and graded tests is
translated by PHRASES (k8sedu/widgets/i18n_ko_phrases.py).
"""

from __future__ import annotations

from k8sedu.widgets.i18n_ko_phrases import PHRASES

__all__ = ["FONTS", "MESSAGES", "PHRASES"]

# Figures need a font with Hangul; matplotlib must find one of these (Debian: fonts-noto-cjk),
# otherwise figure text stays English.
FONTS = ("Noto Sans CJK KR", "Noto Sans KR", "NanumGothic")

MESSAGES: dict[str, str] = {
    # ClusterDashboard
    "dashboard.play": "재생",
    "dashboard.step": "한 단계",
    "dashboard.speed": "한 단계의 초",
    "dashboard.clock": "t = {seconds}초 · {timestamp}",
    "dashboard.checkpoint": "체크포인트",
    "dashboard.reset": "체크포인트로 되돌리기",
    "dashboard.checkpoint_saved": "t = {seconds}초에 체크포인트를 저장했다.",
    "dashboard.reset_done": "체크포인트로 돌아왔다. t = {seconds}초.",
    "dashboard.no_checkpoint": "체크포인트가 아직 없다. 먼저 체크포인트를 누른다.",
    "dashboard.fail_node": "{node} 장애",
    "dashboard.recover_node": "{node} 복구",
    "dashboard.stop_component": "{component} 중지",
    "dashboard.start_component": "{component} 시작",
    "dashboard.faults": "고장 내기:",
    "dashboard.topology": "토폴로지",
    "dashboard.timeline": "타임라인",
    "dashboard.traffic": "API 트래픽",
    "dashboard.kubectl_run": "실행",
    "dashboard.hint": "한 단계는 시뮬레이션 시간을 한 틱 진행한다. 재생은 계속 진행한다.",
    # SchedulerExplorer
    "scheduler.pod": "파드",
    "scheduler.no_pods": "파드가 아직 없다. 파드를 만든 다음 새로 고침을 누른다.",
    "scheduler.no_scheduler": "이 클러스터에는 kube-scheduler가 실행되고 있지 않다.",
    "scheduler.never_tried": "스케줄러가 아직 {pod}을(를) 스케줄링하지 않았다.",
    "scheduler.refresh": "새로 고침",
    "scheduler.weights": "점수 플러그인 가중치 (바꿔 보면?)",
    "scheduler.strategy": "점수 전략",
    "scheduler.strategy_unavailable": "스케줄러의 가정(what-if) 기능이 필요하다",
    "scheduler.rerun": "결정 다시 내리기",
    "scheduler.whatif_same": "이 가중치로도 스케줄러는 {node}을(를) 고른다.",
    "scheduler.whatif_changed": "이 가중치라면 스케줄러는 {old} 대신 {node}을(를) 고른다.",
    "scheduler.whatif_none": "필터를 통과한 노드가 없다. 가중치로는 바꿀 수 없다.",
    "scheduler.col_node": "노드",
    "scheduler.col_plugin": "플러그인",
    "scheduler.col_filter": "필터",
    "scheduler.col_score": "원점수",
    "scheduler.col_normalized": "정규화",
    "scheduler.col_weighted": "가중치 적용",
    # RolloutPlayer
    "rollout.step": "단계",
    "rollout.prev": "◀ 이전",
    "rollout.next": "다음 ▶",
    "rollout.refresh": "새로 고침",
    "rollout.none": (
        "{deployment}의 롤아웃이 아직 기록되지 않았다. 템플릿을 바꾸고 실행한 다음 "
        "새로 고침을 누른다."
    ),
    "rollout.frame": "t = {seconds}초 — {count}단계 중 {index}단계",
    "rollout.col_rs": "레플리카셋",
    "rollout.col_desired": "의도한 수",
    "rollout.col_ready": "준비됨",
    # EtcdBrowser
    "etcd.prefix": "접두사",
    "etcd.keys": "키",
    "etcd.refresh": "새로 고침",
    "etcd.feed": "최근 변경 ({prefix} 감시)",
    "etcd.no_key": "키를 고르면 그 리비전과 값을 보여 준다.",
    "etcd.generations": "세대별로 저장된 리비전: {generations}",
    # predict
    "predict.lock": "이 답으로 확정",
    "predict.locked": "확정한 답: {choice}. 이제 다음 셀을 실행해서 확인한다.",
    "predict.pick_first": "먼저 답을 고른다.",
    "predict.text": "예측: {question}",
    "predict.text_hint": "다음 셀을 실행하기 전에 prediction.lock(<번호 또는 답>)으로 답한다.",
    # quiz (k8sedu/quiz.py)
    "quiz.title_pre": (
        "시작하기 전에: 앞으로 배울 레슨에서 뽑은 질문 {count}개. 지금 생각하는 대로 답한다. "
        "채점하지 않는다. 레슨 13에서 같은 질문을 다시 묻고 무엇이 바뀌었는지 보여 준다."
    ),
    "quiz.title_post": "과정을 마친 뒤 같은 질문 {count}개: 각 질문 옆에 처음에 고른 답이 나온다.",
    "quiz.question": "질문 {number} / {count}",
    "quiz.saved": "고른 답: {choice}. 저장했다. 정답은 레슨 13에서 보여 준다.",
    "quiz.right": "✓ 정답.",
    "quiz.wrong": "✗ 정답: {answer} (레슨 {lesson}).",
    "quiz.before": "과정을 시작하기 전 답: {answer}.",
    "quiz.before_none": "과정을 시작하기 전에는 이 질문에 답하지 않았다.",
    "quiz.progress": "{count}개 중 {answered}개 답했다.",
    "quiz.pre_done": "{count}개 모두 답해서 저장했다. 레슨 13에서 다시 만나자!",
    "quiz.score": "과정 전 {pre}/{count} → 과정 후 {post}/{count}.",
    "quiz.score_no_pre": "{post}/{count} 정답 (이 컴퓨터에는 과정 전 답이 없다).",
    "quiz.text_hint": "quiz.lock(<질문 번호>, <선택지 번호나 글>)로 답한다.",
    # check()
    "check.title": "연습 문제 {exercise}",
    "check.score": "{title}: {score}/{max_score}점",
    "check.col_test": "테스트",
    "check.col_points": "점수",
    "check.col_result": "결과",
    "check.col_hint": "힌트",
    "check.hidden": "{name} (숨김)",
    "check.outcome.passed": "통과",
    "check.outcome.failed": "실패",
    "check.outcome.error": "오류",
    "check.outcome.skipped": "건너뜀",
    "check.outcome.not_run": "실행 안 됨",
    "check.cells": "오류를 낸 셀 (그 셀의 정의는 없는 상태다):",
    "check.cells_short": "오류를 낸 셀:",
    "check.cell": "{cell}번 셀",
    "check.cell_line": "{cell}번 셀 {line}번째 줄",
    "check.cell_raised": "{where} (`{first_line}`)에서 {error} 발생",
    # the capstone's run report
    "capstone.summary": (
        "{run}: 페이지 뷰의 {rate}%가 성공했다 ({tiers}). 페이지 p95 {p95} ms, 비용 {cost} 노드-시간"
    ),
    "capstone.timeline": "타임라인 (첫 페이지 뷰부터 mm:ss):",
    "capstone.control_plane_died": (
        "컨트롤 플레인 머신 {machine}이(가) 죽었다 (리더 controller-manager가 실행되던 곳)"
    ),
    "capstone.worker_died": "워커 {node}이(가) 완전히 죽었다 (준비된 파드 {pods}개가 실행되던 곳)",
    "capstone.throttled": "p95 최대 {ms} ms (스로틀링: CPU 제한에 도달)",
    "capstone.until": "{tier}: {what}, {clock}까지",
    "capstone.more": " (외 {n}개)",
    # banners of the edition
    "edition.stale": (
        "⚠️ 이 부분은 번역한 뒤에 영어 원문이 바뀌었다. 번역이 최신 내용이 아닐 수 있다."
    ),
    "edition.untranslated": "⚠️ 아직 번역되지 않은 부분이라 영어 원문을 그대로 싣는다.",
    # pictures
    "viz.topology.title": "t = {seconds}초에 어디서 무엇이 실행되는가",
    "viz.topology.subtitle": (
        "노드 {nodes}개 중 {ready}개 Ready · {pods} · 화살표: 서비스 → 트래픽을 보내는 파드"
    ),
    "viz.topology.control_plane": "컨트롤 플레인 ({node})",
    "viz.topology.unscheduled": "아직 스케줄링되지 않음",
    "viz.topology.services": "서비스",
    "viz.topology.running": "실행 중",
    "viz.topology.stopped": "중지됨",
    "viz.topology.absent": "실행 안 함",
    "viz.topology.powered_off": "전원 꺼짐",
    "viz.topology.no_pods": "파드 없음",
    "viz.traffic.title": "kube-apiserver를 거쳐 누가 누구와 통신했는가{since}",
    "viz.traffic.subtitle": (
        "허브 앤 스포크: 컴포넌트끼리는 통신하지 않고 API 서버하고만 통신한다. "
        "실선 = 요청, 점선 = 워치 스트림."
    ),
    "viz.traffic.since": " (t = {seconds}초부터)",
    "viz.traffic.requests": "요청 {count}",
    "viz.traffic.watches": "워치 {count} · 이벤트 {events}",
    "viz.traffic.storage": "저장소 · 리비전 {revision}",
    "viz.traffic.you": "사용자 (kubectl)",
    "viz.capstone.title": "{run}: 성공률, 지연 시간, 파드와 머신 (점선: 사고)",
    "viz.capstone.success": "가장 나쁜 계층\n성공률 %",
    "viz.capstone.latency": "페이지 p95\nms",
    "viz.capstone.ready": "준비된 파드",
    "viz.capstone.workers": "Ready 워커",
    "viz.capstone.minutes": "첫 페이지 뷰부터 흐른 분",
    "viz.timeline.title": "시간에 따른 변화 (t = {start}–{end}초)",
    "viz.timeline.pods": "단계(phase)별 파드",
    "viz.timeline.replicasets": "레플리카셋별 레플리카",
    "viz.timeline.hpa": "HPA {name}: 메트릭과 목표",
    "viz.timeline.nodes": "노드 Ready",
    "viz.timeline.time": "시뮬레이션 시간 (초)",
    "viz.timeline.metric": "현재",
    "viz.timeline.target": "목표",
    "viz.timeline.replicas": "레플리카",
    "viz.timeline.not_recording": (
        "이 클러스터의 기록이 없다. 먼저 history = k8sedu.viz.record(cluster)로 기록을 "
        "시작한 다음 실행한다."
    ),
    "viz.scheduler.title_chosen": "왜 {node}인가? {pod}의 점수: 합계가 가장 높은 노드가 이긴다",
    "viz.scheduler.title_none": "{pod}을(를) 둘 노드가 없다: 모든 노드가 필터에서 탈락했다",
    "viz.scheduler.total": "합계",
    "viz.scheduler.not_run": "실행 안 됨",
    "viz.scheduler.colorbar": "정규화 점수",
    "viz.scheduler.legend": (
        "색 = 정규화 점수 (0–100) · 숫자 = 가중 점수 (정규화 점수 × 가중치) · "
        "합계 = 그 합 · 빗금 = 노드를 거부한 필터"
    ),
    "viz.scheduler.tie": "{nodes}이(가) 동점이다. 스케줄러는 그중 하나를 무작위로 고른다.",
    "viz.scheduler.hidden": "필터 플러그인 {count}개는 실행된 모든 노드에서 통과했다",
    "viz.etcd.title": "{prefix!r} 아래 etcd 리비전: 쓰기마다 새 리비전이 생긴다",
    "viz.etcd.subtitle": "● put · ✕ delete · 선 하나가 키의 한 생애(세대)다",
    "viz.etcd.compacted": "{revision}에서 컴팩션됨",
    "viz.etcd.revision": "리비전",
    "viz.etcd.more": "(키 {total}개 중 가장 최근에 쓴 {shown}개를 보여 준다)",
    "viz.proxy.title": "{node}의 kube-proxy nat 규칙: 서비스는 규칙일 뿐이다",
    "viz.proxy.subtitle": (
        "패킷을 따라가 보자: 서비스 IP → KUBE-SVC가 엔드포인트를 고른다 → "
        "KUBE-SEP가 목적지를 파드로 바꾼다"
    ),
    "viz.proxy.no_rules": "아직 서비스 규칙이 작성되지 않았다",
}
