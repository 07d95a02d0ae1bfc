"""Korean phrases of lessons 07–08: predict questions and choices, graded tests' descriptions and hints.

The same kind of table as k8sedu/widgets/i18n_ko_phrases.py (lessons 00–04), kept per part so a
lesson's translation lives beside its neighbours'.
"""

from __future__ import annotations

PREDICTIONS: dict[str, str] = {
    # lesson 07
    (
        "kube-proxy has never run on any node. A pod on node-1 sends 10 requests to the "
        "Service's ClusterIP, port 80. How many succeed?"
    ): (
        "kube-proxy는 어느 노드에서도 실행된 적이 없다. node-1의 파드가 서비스의 ClusterIP 80번 "
        "포트로 요청 10개를 보낸다. 몇 개가 성공할까?"
    ),
    "all 10": "10개 모두",
    "about 3: the ones that happen to reach the pod on node-1": (
        "약 3개: 마침 node-1의 파드에 닿은 요청들"
    ),
    "none: connection refused": "하나도 없다: connection refused",
    "none: connection timed out": "하나도 없다: connection timed out",
    (
        "One client opens ONE keep-alive connection to web and sends 100 requests over it. "
        "How do the requests spread over the 3 pods?"
    ): (
        "클라이언트 하나가 web으로 keep-alive 연결을 단 하나 열고 그 연결로 요청 100개를 보낸다. "
        "요청은 파드 3개에 어떻게 퍼질까?"
    ),
    "about 33 each": "각각 약 33개",
    "all 100 to one pod": "100개 모두 한 파드로",
    "round robin: 34, 33, 33": "라운드 로빈: 34, 33, 33",
    (
        "One of shop's three pods starts answering HTTP 500 to everything, its readiness probe "
        "included. 10 seconds later, 30 requests go to shop. What happens?"
    ): (
        "shop의 파드 셋 중 하나가 준비성 프로브를 포함해 모든 요청에 HTTP 500으로 답하기 시작한다. "
        "10초 뒤 요청 30개가 shop으로 간다. 어떻게 될까?"
    ),
    "all 30 succeed, on the two other pods": "30개 모두 나머지 두 파드에서 성공한다",
    "about 20 succeed, about 10 get HTTP 500": "약 20개는 성공하고, 약 10개는 HTTP 500을 받는다",
    "the pod is restarted, and all 30 succeed": "파드가 재시작되고, 30개 모두 성공한다",
    (
        "A Service shop-typo selects app=shopp (one p too many). A pod sends it a request. "
        "What does the client see?"
    ): (
        "서비스 shop-typo는 app=shopp를 선택한다(p가 하나 더 많다). 파드 하나가 이 서비스로 "
        "요청을 보낸다. 클라이언트에게는 무엇이 보일까?"
    ),
    "connection timed out, after a while": "한참 뒤에 connection timed out",
    "connection refused, at once": "즉시 connection refused",
    "HTTP 404 Not Found": "HTTP 404 Not Found",
    "could not resolve host": "could not resolve host",
    (
        "A client outside the cluster connects to each node's address on web-public's "
        "NodePort. Which nodes answer?"
    ): (
        "클러스터 바깥의 클라이언트가 각 노드의 주소로 web-public의 NodePort에 연결한다. "
        "어느 노드가 응답할까?"
    ),
    "only the nodes that run a web pod": "web 파드를 실행하는 노드만",
    "every node, the control-plane node too": "모든 노드, 컨트롤 플레인 노드까지",
    "only the control-plane node": "컨트롤 플레인 노드만",
    "You delete the Service web. What happens to the three web pods?": (
        "서비스 web을 삭제한다. web 파드 셋은 어떻게 될까?"
    ),
    "they are deleted with it": "서비스와 함께 삭제된다",
    "they keep running; only the name, the address and the rules go": (
        "계속 실행된다. 이름, 주소, 규칙만 사라진다"
    ),
    "they are restarted without a Service": "서비스 없이 재시작된다",
    # lesson 08
    (
        "The node-lifecycle controller is stopped. node-2 powers off. Ten minutes later, what "
        "does `kubectl get nodes` say about node-2, and what happens to requests to web?"
    ): (
        "노드 라이프사이클 컨트롤러가 멈춰 있다. node-2의 전원이 꺼진다. 10분 뒤 "
        "`kubectl get nodes`는 node-2를 무엇이라고 할까? 그리고 web으로 가는 요청은 어떻게 될까?"
    ),
    "NotReady; all requests succeed": "NotReady. 모든 요청이 성공한다",
    "Ready; about 1 request in 3 fails": "Ready. 요청 3개 중 약 1개가 실패한다",
    "node-2 is gone from the list; all requests succeed": (
        "node-2가 목록에서 사라진다. 모든 요청이 성공한다"
    ),
    (
        "The controller runs. node-2 powers off at time T. When do its two web pods get "
        "replacements, running on other nodes?"
    ): (
        "컨트롤러가 실행 중이다. 시각 T에 node-2의 전원이 꺼진다. 그 노드의 web 파드 둘을 "
        "대신할 파드는 언제 다른 노드에서 실행될까?"
    ),
    "about T + 10 s": "약 T + 10초",
    "about T + 1 minute": "약 T + 1분",
    "about T + 6 minutes": "약 T + 6분",
    "never": "영원히 안 된다",
    (
        "shop's liveness probe checks the database. The database is down for 90 seconds. "
        "What happens to shop's 3 pods?"
    ): (
        "shop의 활성 프로브는 데이터베이스를 확인한다. 데이터베이스가 90초 동안 다운된다. "
        "shop의 파드 3개는 어떻게 될까?"
    ),
    "nothing: they wait until the database is back": (
        "아무 일도 없다: 데이터베이스가 돌아올 때까지 기다린다"
    ),
    "they leave the Service's endpoints until the database is back": (
        "데이터베이스가 돌아올 때까지 서비스의 엔드포인트에서 빠진다"
    ),
    "all 3 are restarted, again and again, and stay down longer than the database": (
        "3개 모두 거듭 재시작되고, 데이터베이스보다 더 오래 다운된 채로 있다"
    ),
    (
        "All 3 web pods run on node-1. You drain node-1 while clients send 10 requests a "
        "second. Without a PodDisruptionBudget, do requests fail?"
    ): (
        "web 파드 3개가 모두 node-1에서 실행된다. 클라이언트가 1초에 요청 10개를 보내는 동안 "
        "node-1을 드레인한다. PodDisruptionBudget이 없으면 요청이 실패할까?"
    ),
    "no: drain waits for the new pods before it removes the old ones": (
        "아니다: 드레인은 새 파드를 기다린 다음에 예전 파드를 없앤다"
    ),
    "yes: all 3 pods go at once, and nothing serves until the new ones are ready": (
        "그렇다: 파드 3개가 한꺼번에 사라지고, 새 파드가 준비될 때까지 아무것도 요청을 "
        "처리하지 않는다"
    ),
    "no: the Service keeps sending to node-1 until the drain is over": (
        "아니다: 드레인이 끝날 때까지 서비스가 계속 node-1로 보낸다"
    ),
}

GRADING: dict[str, str] = {
    # k8sedu/grading/tests/test_07_kube_proxy_and_services.py
    "Names why the Service does not answer: selector, not-ready or target-port.": (
        "서비스가 응답하지 않는 이유를 댄다: selector, not-ready 또는 target-port."
    ),
    (
        "Look at the Service's EndpointSlice: no endpoints, endpoints that are not ready, or "
        "ready endpoints that still refuse?"
    ): (
        "서비스의 엔드포인트슬라이스를 본다. 엔드포인트가 없는가, 준비되지 않은 엔드포인트인가, "
        "아니면 준비되었는데도 거부하는 엔드포인트인가?"
    ),
    "The same question on scenarios you have not seen.": "처음 보는 시나리오에서 같은 질문.",
    "One draw per rule tried, in order; a rule matches when the draw is below its probability.": (
        "시도한 규칙마다 순서대로 한 번씩 뽑는다. 뽑은 값이 규칙의 확률보다 작으면 일치한다."
    ),
    "Rule i of n matches with probability 1/(n-i); the last rule always matches.": (
        "n개 중 규칙 i는 확률 1/(n-i)로 일치한다. 마지막 규칙은 언제나 일치한다."
    ),
    "Over many connections every ready endpoint gets about the same share.": (
        "연결이 많으면 준비된 엔드포인트마다 거의 같은 몫을 받는다."
    ),
    "Each endpoint should get 1/n of the connections: check the shares you produce.": (
        "엔드포인트마다 연결의 1/n을 받아야 한다. 여러분이 만드는 몫을 확인한다."
    ),
    "Only ready endpoints, else serving-but-terminating ones, else nothing (REJECT).": (
        "준비된 엔드포인트만. 없으면 종료 중이지만 요청을 처리하는 엔드포인트. 그것도 없으면 "
        "아무것도 없다(REJECT)."
    ),
    (
        "Ready endpoints first; only if there is none, the serving ones that are terminating; "
        "none at all: None (REJECT)."
    ): (
        "준비된 엔드포인트가 먼저다. 하나도 없을 때만 종료 중이면서 요청을 처리하는 엔드포인트. "
        "아예 없으면 None(REJECT)."
    ),
    "A client that connected recently goes back to the same endpoint, without a draw.": (
        "최근에 연결한 클라이언트는 뽑지 않고 같은 엔드포인트로 다시 간다."
    ),
    "With affinity, check recent[address] for the client first, before any draw.": (
        "어피니티가 있으면 무엇을 뽑기 전에 먼저 recent[address]에서 클라이언트를 확인한다."
    ),
    "Affinity lasts timeoutSeconds after the client's last connection, not its first.": (
        "어피니티는 클라이언트의 첫 연결이 아니라 마지막 연결 뒤로 timeoutSeconds 동안 유지된다."
    ),
    "Every connection refreshes the time (--set); the entry expires after T s.": (
        "연결마다 시간을 갱신한다(--set). 항목은 T초 뒤에 만료된다."
    ),
    "If the remembered endpoint is no longer ready, the client gets a fresh pick.": (
        "기억된 엔드포인트가 더는 준비되지 않았으면 클라이언트는 새로 뽑힌다."
    ),
    "The remembered endpoint only counts while it is still used by the rules.": (
        "기억된 엔드포인트는 규칙이 아직 그것을 쓰는 동안에만 유효하다."
    ),
    "Without affinity each connection is a fresh draw and nothing is remembered.": (
        "어피니티가 없으면 연결마다 새로 뽑고, 아무것도 기억하지 않는다."
    ),
    "Without affinity (affinity_seconds=0) there are no recent rules at all.": (
        "어피니티가 없으면(affinity_seconds=0) recent 규칙이 아예 없다."
    ),
    "Over random endpoint changes, clients and times, every choice is the kernel's.": (
        "엔드포인트 변화, 클라이언트, 시간을 무작위로 바꿔도 모든 선택이 커널의 선택과 같다."
    ),
    # k8sedu/grading/tests/test_08_self_healing.py
    "WEB is a Deployment of the app: name, labels, container and image as stated.": (
        "WEB은 이 앱의 디플로이먼트다. 이름, 레이블, 컨테이너, 이미지가 규칙대로다."
    ),
    "One Deployment named web, pods labelled app=web, one container web.": (
        "web이라는 디플로이먼트 하나, 레이블이 app=web인 파드, 컨테이너 web 하나."
    ),
    "Every replica requests what it needs, and all of them together stay within the budget.": (
        "모든 레플리카가 필요한 만큼 요청하고, 모두 합쳐도 예산 안에 있다."
    ),
    "replicas x CPU request must stay within 2 CPUs; each pod needs 250m, 128Mi.": (
        "replicas x CPU 요청은 CPU 2개 이내여야 한다. 파드마다 250m, 128Mi가 필요하다."
    ),
    "Through the scripted day, the share of successful requests reaches the tier.": (
        "정해진 하루 내내 성공한 요청의 비율이 등급에 닿는다."
    ),
    "Through another day (other cluster, times and order), the share reaches the tier.": (
        "다른 하루(다른 클러스터, 시간, 순서) 내내 그 비율이 등급에 닿는다."
    ),
    "Another day: other times, another cluster, the same kinds of trouble.": (
        "다른 하루: 다른 시간, 다른 클러스터, 같은 종류의 문제."
    ),
}
