"""Korean phrases of lessons 11–12: predict questions and choices, graded tests' descriptions and hints.

The same kind of table as k8sedu/widgets/i18n_ko_phrases.py (lessons 00–04), kept per part so a
lesson's translation lives beside its neighbours'.
"""

from __future__ import annotations

PREDICTIONS: dict[str, str] = {
    # lesson 11
    "The only control-plane machine goes down. "
    "What happens to the three web pods and their traffic?": (
        "하나뿐인 컨트롤 플레인 머신이 다운된다. web 파드 셋과 그 트래픽은 어떻게 될까?"
    ),
    "they stop at once: nothing manages them": "즉시 멈춘다: 아무도 그 파드들을 관리하지 않는다",
    "they keep running and serving, but nobody can change or repair them": (
        "계속 실행되며 요청을 처리하지만, 아무도 그 파드들을 바꾸거나 고칠 수 없다"
    ),
    "the workers elect a new control plane": "워커들이 새 컨트롤 플레인을 선출한다",
    "The machine control-plane (the etcd leader, and the holder of both Leases) loses its power. "
    "We then scale web to 4 replicas. What happens?": (
        "머신 control-plane(etcd 리더이자 두 리스의 보유자)의 전원이 나간다. 그다음 web을 레플리카 "
        "4개로 스케일한다. 어떻게 될까?"
    ),
    "kubectl fails: its API server is gone": "kubectl이 실패한다: 그 API 서버가 사라졌다",
    "kubectl works, and the fourth pod starts within a second or two": (
        "kubectl은 동작하고, 네 번째 파드가 1~2초 안에 시작된다"
    ),
    "kubectl works, but the fourth pod waits 15-25 s before it is created and scheduled": (
        "kubectl은 동작하지만, 네 번째 파드는 생성되고 스케줄되기까지 15-25초를 기다린다"
    ),
    "nothing works until the machine is back": "머신이 돌아올 때까지 아무것도 동작하지 않는다",
    "Two of the three etcd members are stopped; the API servers all still run. What does "
    "`kubectl scale deployment web --replicas=3` do?": (
        "etcd 멤버 셋 중 둘이 멈췄다. API 서버는 모두 아직 실행 중이다. "
        "`kubectl scale deployment web --replicas=3`은 어떻게 될까?"
    ),
    "it works: one member still has all the data": (
        "동작한다: 멤버 하나가 아직 모든 데이터를 갖고 있다"
    ),
    "it fails with a timeout: one member of three is not a majority": (
        "시간 초과로 실패한다: 셋 중 하나는 과반수가 아니다"
    ),
    "it works, and the two others catch up when they come back": (
        "동작하고, 나머지 둘은 돌아왔을 때 따라잡는다"
    ),
    "How many of its members can a 4-member etcd cluster lose and still accept writes?": (
        "멤버가 4개인 etcd 클러스터는 멤버를 몇 개까지 잃어도 쓰기를 받아들일까?"
    ),
    "The kube-scheduler process holding the Lease crashes. "
    "How long until a standby schedules pods?": (
        "리스를 보유한 kube-scheduler 프로세스가 크래시한다. 대기 인스턴스가 파드를 스케줄하기까지 "
        "얼마나 걸릴까?"
    ),
    "at once: the standby is already running": "즉시: 대기 인스턴스는 이미 실행 중이다",
    "about 2 s: one retryPeriod": "약 2초: retryPeriod 한 번",
    "15 to about 25 s: leaseDuration, plus up to two jittered retries": (
        "15초에서 약 25초: leaseDuration에, 지터가 붙은 재시도 최대 두 번을 더해서"
    ),
    "never: the crashed one has to be restarted": (
        "절대 하지 않는다: 크래시한 인스턴스를 재시작해야 한다"
    ),
    "All three kube-apiservers stop while web serves 20 requests/s. "
    "What share of requests fails?": (
        "web이 초당 요청 20개를 처리하는 동안 kube-apiserver 셋이 모두 멈춘다. 요청 중 얼마만큼이 "
        "실패할까?"
    ),
    "none": "하나도 없다",
    "about a third": "약 3분의 1",
    "all of them": "전부",
    "With every kube-apiserver still down, node-1 (running one web pod) fails. "
    "When is that pod replaced?": (
        "모든 kube-apiserver가 아직 멈춰 있는데 node-1(web 파드 하나를 실행 중)에 장애가 난다. "
        "그 파드는 언제 교체될까?"
    ),
    "within about a minute, as in lesson 08": "레슨 08에서처럼 약 1분 안에",
    "never: the Deployment forgot it": "절대 교체되지 않는다: 디플로이먼트가 그 파드를 잊었다",
    "only after the API servers are back, and then after the usual delays": (
        "API 서버가 돌아온 뒤에야, 그것도 평소의 지연을 거친 뒤에"
    ),
    # lesson 12
    "The api's container listens 20 s after it starts, and has a readiness probe. "
    "We apply it and look 10 s later. What does the api Service's endpoint list hold?": (
        "api의 컨테이너는 시작하고 20초 뒤에 리슨하고, 준비성 프로브가 있다. 적용하고 10초 뒤에 "
        "본다. api 서비스의 엔드포인트 목록에는 무엇이 있을까?"
    ),
    "3 ready addresses": "준비된 주소 3개",
    "3 addresses, marked not ready": "주소 3개, 준비되지 않음으로 표시됨",
    "nothing at all: no pods yet": "아무것도 없다: 아직 파드가 없다",
    "At 05:00 the control-plane machine with the leading controller-manager dies. "
    "What happens to the shop's requests?": (
        "05:00에 리더인 컨트롤러 매니저가 있는 컨트롤 플레인 머신이 죽는다. 쇼핑몰의 요청은 "
        "어떻게 될까?"
    ),
    "they all fail until it comes back": "머신이 돌아올 때까지 모두 실패한다",
    "they fail for about 15 s, until another leader is elected": (
        "다른 리더가 선출될 때까지 약 15초 동안 실패한다"
    ),
    "nothing: kube-proxy already programmed every node, and two API servers remain": (
        "아무 일도 없다: kube-proxy가 이미 모든 노드에 규칙을 설정했고, API 서버 둘이 남아 있다"
    ),
    "At 10:00 a worker running a third of each tier's ready pods dies. For how long does about "
    "a third of the traffic fail?": (
        "10:00에 각 계층의 준비된 파드 중 3분의 1을 실행하는 워커가 죽는다. 트래픽의 약 3분의 1이 "
        "얼마 동안 실패할까?"
    ),
    "not at all: the Service notices at once": "전혀 실패하지 않는다: 서비스가 곧바로 알아챈다",
    "about 50 s, until the node is marked NotReady": "약 50초, 노드가 NotReady로 표시될 때까지",
    "5 minutes, until the pods are evicted": "5분, 파드가 축출될 때까지",
}

# Descriptions (docstrings) and hints of the graded tests, as check() shows them.
GRADING: dict[str, str] = {
    # exercise 11
    "A candidate creates a missing Lease and takes a released or expired one.": (
        "후보는 없는 리스를 만들고, 해제되었거나 만료된 리스를 가져간다."
    ),
    "A Lease nobody holds (none yet, or holderIdentity empty) or one that expired "
    "is yours to take.": (
        "아무도 보유하지 않은 리스(아직 없거나 holderIdentity가 비어 있는 리스)나 만료된 리스는 "
        "가져가도 된다."
    ),
    "Another holder's Lease is left alone until it has been unchanged for its leaseDuration.": (
        "다른 보유자의 리스는 그 leaseDuration 동안 바뀌지 않은 채로 있을 때까지 건드리지 않는다."
    ),
    "Judge expiry by your own clock: observed_time + record.lease_duration_seconds, never the "
    "holder's renewTime (its clock may differ), and not renewDeadline.": (
        "만료는 자기 시계로 판단한다: observed_time + record.lease_duration_seconds. 보유자의 "
        "renewTime(그 시계는 다를 수 있다)으로도, renewDeadline으로도 판단하지 않는다."
    ),
    "The holder renews: renewTime moves, acquireTime and leaseTransitions stay.": (
        "보유자는 갱신한다: renewTime은 움직이고, acquireTime과 leaseTransitions는 그대로다."
    ),
    "The holder writes renewTime = now and keeps acquireTime and leaseTransitions.": (
        "보유자는 renewTime = now를 쓰고 acquireTime과 leaseTransitions는 유지한다."
    ),
    "A holder that could not renew within renewDeadline stops leading.": (
        "renewDeadline 안에 갱신하지 못한 보유자는 리더 역할을 멈춘다."
    ),
    "A holder whose last renew is more than renewDeadline old must stop leading (write nothing): "
    "the others may take the Lease soon.": (
        "마지막 갱신이 renewDeadline보다 오래된 보유자는 리더 역할을 멈춰야 한다(아무것도 쓰지 "
        "않는다). 다른 인스턴스가 곧 리스를 가져갈 수 있다."
    ),
    "Seen unchanged for exactly leaseDuration, the Lease has expired: take it.": (
        "정확히 leaseDuration 동안 바뀌지 않은 것을 보았다면 리스는 만료되었다: 가져간다."
    ),
    "isLeaseValid: observedTime + leaseDuration must be *after* now. Seen exactly "
    "leaseDuration ago, the Lease has expired.": (
        "isLeaseValid: observedTime + leaseDuration이 now *이후*여야 한다. 정확히 leaseDuration "
        "전에 본 리스는 만료되었다."
    ),
    "Taking the Lease from another holder increments leaseTransitions.": (
        "다른 보유자에게서 리스를 가져가면 leaseTransitions가 1 늘어난다."
    ),
    "leaseTransitions counts changes of holder: +1 on every takeover, 0 on create.": (
        "leaseTransitions는 보유자가 바뀐 횟수를 센다: 가져갈 때마다 +1, 만들 때는 0."
    ),
    "The same rules with other durations: the record's leaseDurationSeconds, "
    "the config's deadline.": (
        "다른 기간에서도 같은 규칙: 레코드의 leaseDurationSeconds, config의 기한."
    ),
    "Crashes, restarts and cut-off machines at random: never two leaders at once.": (
        "무작위로 일어나는 크래시, 재시작, 끊긴 머신: 리더가 동시에 둘인 적이 절대 없다."
    ),
    "More timelines, with other timings: never two leaders at once.": (
        "다른 타이밍의 타임라인 더: 리더가 동시에 둘인 적이 절대 없다."
    ),
    "Over a random timeline, leaseTransitions goes up by one exactly when the holder changes.": (
        "무작위 타임라인에서 leaseTransitions는 정확히 보유자가 바뀔 때 1씩 늘어난다."
    ),
    "leaseTransitions counts changes of holder: +1 on a takeover, unchanged on a renew.": (
        "leaseTransitions는 보유자가 바뀐 횟수를 센다: 가져갈 때 +1, 갱신할 때는 그대로."
    ),
    "After the leader crashes, a standby leads after leaseDuration, within two jittered retries.": (
        "리더가 크래시하면, 대기 인스턴스가 leaseDuration 뒤에, 지터가 붙은 재시도 두 번 안에 "
        "리더가 된다."
    ),
    "A standby that has seen the Lease unchanged for leaseDuration takes it at its next retry — "
    "not before: it cannot tell a crashed leader from a slow one.": (
        "leaseDuration 동안 리스가 바뀌지 않은 것을 본 대기 인스턴스는 다음 재시도에 리스를 "
        "가져간다 — 그 전에는 안 된다: 크래시한 리더와 느린 리더를 구별할 수 없기 때문이다."
    ),
    "The same takeover with other leaseDuration and retryPeriod.": (
        "다른 leaseDuration과 retryPeriod에서의 같은 인계."
    ),
    "A leader that cannot reach the API server stops leading once renewDeadline has passed.": (
        "API 서버에 닿지 못하는 리더는 renewDeadline이 지나면 리더 역할을 멈춘다."
    ),
    "The same with renewDeadline 5 s and leaseDuration 8 s.": (
        "renewDeadline 5초, leaseDuration 8초에서도 마찬가지다."
    ),
    "Three kube-schedulers elect with your function: a standby takes over a crashed leader.": (
        "kube-scheduler 셋이 여러분의 함수로 선출한다: 대기 인스턴스가 크래시한 리더를 넘겨받는다."
    ),
    "Run the notebook's cluster with your step and compare with the leases you see.": (
        "노트북의 클러스터를 여러분의 step으로 실행하고, 보이는 리스와 비교한다."
    ),
    # exercise 12
    "Through the hidden run, enough page views succeed for the tier.": (
        "숨겨진 실행 내내 그 단계에 필요한 만큼 페이지 뷰가 성공한다."
    ),
    "Through the hidden run, the page's p95 latency stays within the tier.": (
        "숨겨진 실행 내내 페이지의 p95 지연 시간이 그 단계 안에 머문다."
    ),
    "The hidden run costs no more worker node-hours than the tier.": (
        "숨겨진 실행의 비용이 그 단계의 워커 노드-시간을 넘지 않는다."
    ),
    "The manifests hold the three tiers as the exercise states them, within the rules.": (
        "매니페스트에 연습 문제가 정한 세 계층이 규칙에 맞게 들어 있다."
    ),
    "Deployments and Services frontend, api, cache; requests set; CPU limit = request.": (
        "디플로이먼트와 서비스 frontend, api, cache. 요청을 설정하고, CPU 제한 = 요청."
    ),
    "Through the scripted run, enough page views succeed for the tier.": (
        "각본 실행 내내 그 단계에 필요한 만큼 페이지 뷰가 성공한다."
    ),
    "Through the scripted run, the page's p95 latency stays within the tier.": (
        "각본 실행 내내 페이지의 p95 지연 시간이 그 단계 안에 머문다."
    ),
    "The scripted run costs no more worker node-hours than the tier.": (
        "각본 실행의 비용이 그 단계의 워커 노드-시간을 넘지 않는다."
    ),
    "Another run: other load, other times, the same kinds of trouble.": (
        "또 다른 실행: 다른 부하, 다른 시각, 같은 종류의 문제."
    ),
}
