"""Korean phrases of lessons 09–10: predict questions and choices, graded tests' descriptions and hints.

The same kind of table as k8sedu/widgets/i18n_ko_phrases.py (lessons 00–04), kept per part so a
lesson's translation lives beside its neighbours'.
"""

from __future__ import annotations

PREDICTIONS: dict[str, str] = {
    # lesson 09
    "The HPA controller is stopped. The HPA targets 50 % and the 4 pods run at 90 % "
    "of their CPU request for a minute. How many replicas does web have then?": (
        "HPA 컨트롤러가 멈춰 있다. HPA의 목표는 50 %이고, 파드 4개가 1분 동안 CPU 요청의 90 %로 "
        "실행된다. 그때 web의 레플리카는 몇 개일까?"
    ),
    "0: the HPA takes over and starts from zero": "0: HPA가 넘겨받아 0부터 시작한다",
    "8 pods run at 54 % of their CPU request; the target is 50 %. "
    "How many replicas after the next syncs?": (
        "파드 8개가 CPU 요청의 54 %로 실행된다. 목표는 50 %다. 다음 동기화들이 지나면 레플리카는 "
        "몇 개일까?"
    ),
    "The traffic stops completely. When does the HPA bring web down to 1 replica?": (
        "트래픽이 완전히 멈춘다. HPA는 언제 web을 레플리카 1개로 줄일까?"
    ),
    "at the next sync, within 15 seconds": "다음 동기화에, 15초 안에",
    "after about 5 minutes": "약 5분 뒤",
    "never: an HPA only scales up": "절대 줄이지 않는다: HPA는 스케일 업만 한다",
    "after an hour": "1시간 뒤",
    "burst: 1 pod at 500 % of its request, target 50 %, maxReplicas 10. "
    "ceil(1 × 500 / 50) = 10. How many replicas does the HPA's first sync set?": (
        "burst: 요청의 500 %로 실행되는 파드 1개, 목표 50 %, maxReplicas 10. "
        "ceil(1 × 500 / 50) = 10. HPA의 첫 동기화는 레플리카를 몇 개로 설정할까?"
    ),
    "plain runs k8sedu/busy (500m of CPU, all the time) with no CPU request. "
    "You autoscale it with --cpu=50% --max=10. What happens?": (
        "plain은 CPU 요청 없이 k8sedu/busy(언제나 CPU 500m)를 실행한다. "
        "--cpu=50% --max=10으로 오토스케일한다. 어떻게 될까?"
    ),
    "it scales to 10: any use is above 50 % of nothing": (
        "10으로 스케일한다: 어떤 사용량이든 0의 50 %보다 많다"
    ),
    "it stays at 1 and the HPA reports an error": "1에 머물고, HPA가 오류를 알린다",
    "it scales to 5: 500m / 100m": "5로 스케일한다: 500m / 100m",
    "kubectl autoscale refuses to create the HPA": "kubectl autoscale이 HPA 생성을 거부한다",
    "At the lunch peak, 1.3 requests/s keep 2.6 CPUs busy. With pods of 500m at a 50 % target, "
    "about how many replicas does the HPA run then?": (
        "점심 정점에는 초당 요청 1.3개가 CPU 2.6개를 바쁘게 한다. 500m짜리 파드에 목표 50 %라면, "
        "그때 HPA는 레플리카를 대략 몇 개 실행할까?"
    ),
    "12, the maximum": "12, 최댓값",
    # lesson 10
    "Both workers use about 2 % of their CPU. A new pod requests 500m. What happens to it?": (
        "두 워커 모두 CPU의 약 2 %를 쓴다. 새 파드가 500m을 요청한다. 그 파드는 어떻게 될까?"
    ),
    "it runs on node-1": "node-1에서 실행된다",
    "it runs on either worker": "어느 워커에서든 실행된다",
    "it stays Pending": "Pending으로 남는다",
    "an idle pod is evicted": "idle 파드 하나가 축출된다",
    "A pod's only container sets limits cpu: 500m, memory: 256Mi and no requests. "
    "What is its QoS class?": (
        "파드의 유일한 컨테이너가 제한 cpu: 500m, memory: 256Mi를 설정하고 요청은 설정하지 않는다. "
        "이 파드의 QoS 클래스는 무엇일까?"
    ),
    "BestEffort: it requests nothing": "BestEffort: 아무것도 요청하지 않는다",
    # QoS class names stay as the API stores them in status.qosClass.
    "Burstable": "Burstable",
    "Guaranteed": "Guaranteed",
    "capped needs 300m of CPU but its limit is 100m. What happens to it?": (
        "capped에는 CPU 300m이 필요하지만 제한은 100m이다. capped는 어떻게 될까?"
    ),
    "it is killed and restarted": "종료되고 재시작된다",
    "it is evicted from the node": "노드에서 축출된다",
    "it is held at 100m, and answers more slowly": "100m에 묶이고, 더 느리게 응답한다",
    "nothing: limits only matter to the scheduler": "아무 일도 없다: 제한은 스케줄러에만 중요하다",
    "leaky's memory reaches its 128Mi limit. What happens?": (
        "leaky의 메모리가 128Mi 제한에 닿는다. 어떻게 될까?"
    ),
    "it is slowed down, like CPU": "CPU처럼 느려진다",
    "its container is killed (OOMKilled) and restarted": "컨테이너가 종료되고(OOMKilled) 재시작된다",
    "the whole node reboots": "노드 전체가 재부팅된다",
    "the kubelet moves it to another node": "kubelet이 그 파드를 다른 노드로 옮긴다",
    "The node runs out of memory. Which pod does the kubelet evict first?": (
        "노드의 메모리가 바닥난다. kubelet은 어느 파드를 먼저 축출할까?"
    ),
    # Pod names and QoS classes stay as kubectl shows them.
    "steady (Guaranteed)": "steady (Guaranteed)",
    "scratch (BestEffort)": "scratch (BestEffort)",
    "cache (Burstable)": "cache (Burstable)",
    "all three at once": "셋 다 한꺼번에",
    "We switch NodeResourcesFit to MostAllocated (weight 1, as in the docs' example) and deploy "
    "the same workload. How many of the 4 workers do batch and api use?": (
        "NodeResourcesFit를 MostAllocated로 바꾸고(문서의 예처럼 가중치 1) 같은 워크로드를 배포한다. "
        "batch와 api는 워커 4대 중 몇 대를 쓸까?"
    ),
    "all 4": "4대 모두",
}

# Descriptions (docstrings) and hints of the graded tests, as check() shows them.
GRADING: dict[str, str] = {
    # exercise 09
    "The count changes in proportion to utilization / target, rounded up.": (
        "수는 utilization / target에 비례해서 바뀌고, 올림한다."
    ),
    "A ratio within 10 % of 1 keeps the count; both edges are inside (v1.34, float64).": (
        "1에서 10 % 안의 비율은 수를 유지한다. 양 끝도 안쪽이다(v1.34, float64)."
    ),
    "Inside the band 1 - 0.1 <= ratio <= 1 + 0.1, both ends included, nothing changes.": (
        "범위 1 - 0.1 <= ratio <= 1 + 0.1 안에서는(양 끝 포함) 아무것도 바뀌지 않는다."
    ),
    "The count stays within [minReplicas, maxReplicas].": (
        "수는 [minReplicas, maxReplicas] 안에 머문다."
    ),
    "One scale-up step is limited to max(2 × current, 4) replicas.": (
        "스케일 업 한 단계는 레플리카 max(2 × current, 4)개로 제한된다."
    ),
    "Without spec.behavior one sync goes up to at most max(2 x current, 4).": (
        "spec.behavior가 없으면 동기화 한 번에 최대 max(2 x current, 4)까지만 올라간다."
    ),
    "The count is an int (the scale subresource takes an int32).": (
        "수는 int다(scale 하위 리소스는 int32를 받는다)."
    ),
    "The band is relative to the target: 10 % of it, not 10 percentage points.": (
        "범위는 목표에 대한 상대값이다. 10 퍼센트포인트가 아니라 목표의 10 %다."
    ),
    "A count above maxReplicas goes to max, one below minReplicas to min, whatever the metric.": (
        "maxReplicas보다 큰 수는 max로, minReplicas보다 작은 수는 min으로 간다. 메트릭과 상관없이."
    ),
    "A count outside [min, max] goes back to the bound before any metric counts.": (
        "[min, max] 밖의 수는 메트릭을 따지기 전에 먼저 그 경계로 돌아간다."
    ),
    "A workload scaled to 0 by hand stays at 0 (scaling disabled).": (
        "손으로 0까지 스케일한 워크로드는 0에 머문다(스케일링 비활성화)."
    ),
    "The scale-up limit does not slow a scale-down: 10 pods at 5 % of 50 % go to 1 at once.": (
        "스케일 업 제한은 스케일 다운을 늦추지 않는다. 50 % 목표에 5 %인 파드 10개는 곧바로 1개가 된다."
    ),
    "Inside the real HPA controller, the notebook's load trace gives the expected curve.": (
        "실제 HPA 컨트롤러 안에서, 노트북의 부하 트레이스가 기대한 곡선을 만든다."
    ),
    "Run the trace of the notebook and compare the curve with your own prediction.": (
        "노트북의 트레이스를 실행하고, 곡선을 자신의 예측과 비교한다."
    ),
    "Another workload (min 1, max 6, target 60 %) under another trace.": (
        "다른 트레이스 아래의 다른 워크로드(min 1, max 6, 목표 60 %)."
    ),
    # exercise 10
    "Guaranteed, Burstable or BestEffort from the requests and limits of one container.": (
        "컨테이너 하나의 요청과 제한으로 정하는 Guaranteed, Burstable 또는 BestEffort."
    ),
    "Requests defaulted from limits count as set, and equal.": (
        "제한에서 기본값으로 채운 요청은 설정된 것으로, 그리고 제한과 같은 것으로 센다."
    ),
    "A limit without a request: the API server sets the request to the limit.": (
        "요청 없는 제한: API 서버가 요청을 제한과 같게 설정한다."
    ),
    "The class is the pod's: one container that falls short makes the pod Burstable.": (
        "클래스는 파드의 것이다. 조건에 못 미치는 컨테이너 하나가 파드를 Burstable로 만든다."
    ),
    "Every container counts: spec.containers and spec.initContainers.": (
        "모든 컨테이너를 센다. spec.containers와 spec.initContainers."
    ),
    "Only cpu and memory count, zeros do not, and quantities compare by value.": (
        "cpu와 memory만 세고, 0은 세지 않으며, 수량은 값으로 비교한다."
    ),
    "WEIGHT is the score weight your plugin is registered with: a positive int.": (
        "WEIGHT는 플러그인을 등록할 때 쓰는 점수 가중치다. 양의 int여야 한다."
    ),
    "Four apps × 3 replicas × 1 CPU on six 4-CPU nodes: three nodes, one replica of each app.": (
        "CPU 4개짜리 노드 여섯에 앱 4개 × 레플리카 3개 × CPU 1개: 노드 셋, 노드마다 앱별 레플리카 하나."
    ),
    "The default NodeResourcesFit prefers empty nodes: your weight must beat it.": (
        "기본 NodeResourcesFit는 빈 노드를 선호한다. 여러분의 가중치가 그것을 이겨야 한다."
    ),
    "Four small replicas of one app on four big nodes: each on its own node.": (
        "큰 노드 넷에 한 앱의 작은 레플리카 넷: 각자 자기 노드에."
    ),
    "Rule 1 comes first: a second replica goes to a node without one, if it fits.": (
        "규칙 1이 먼저다. 두 번째 레플리카는 들어갈 수 있다면 레플리카가 없는 노드로 간다."
    ),
    "Pods without an app label only pack: 10 × 750m/1Gi fit on two 4-CPU nodes of five.": (
        "app 레이블이 없는 파드는 채워 넣기만 한다. 10 × 750m/1Gi는 CPU 4개짜리 노드 다섯 중 둘에 "
        "들어간다."
    ),
    "Pack by the node's share after the pod is placed: requested + the pod's request.": (
        "파드를 놓은 뒤의 노드 비율로 채워 넣는다. requested + 파드의 요청."
    ),
    "A database pair, web and log replicas of different sizes: three nodes of six.": (
        "데이터베이스 한 쌍, 크기가 다른 web과 log 레플리카: 노드 여섯 중 셋."
    ),
    "The same app label in two namespaces: two apps, each 2 replicas, packed on two nodes.": (
        "두 네임스페이스의 같은 app 레이블: 앱 둘, 각각 레플리카 2개, 노드 둘에 채워 넣는다."
    ),
    "Count replicas of the same app in the pod's own namespace only.": (
        "같은 앱의 레플리카는 파드 자신의 네임스페이스에서만 센다."
    ),
    "When only a node that already runs a replica has room, the next replica still runs.": (
        "이미 레플리카를 실행하는 노드에만 자리가 있어도, 다음 레플리카는 실행된다."
    ),
    "Rule 1 is a preference among the nodes that passed the filters, not a filter.": (
        "규칙 1은 필터가 아니라, 필터를 통과한 노드들 사이의 선호다."
    ),
}
