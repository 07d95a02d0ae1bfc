"""Korean for English text that code cells and graded tests pass to the library, by that text.

Code cells are identical in every edition, so a predict question stays English in the code and
is shown from here; graded tests keep their English docstrings and hints, and check() shows them
from here. A key that no longer occurs in the English source is stale: tests/i18n finds it.
Numbers, names and kubectl words (``3``, ``kube-scheduler``) need no entry.
"""

from __future__ import annotations

from k8sedu.widgets import (
    i18n_ko_phrases_05_06,
    i18n_ko_phrases_07_08,
    i18n_ko_phrases_09_10,
    i18n_ko_phrases_11_12,
)

PREDICTIONS = {
    # lesson 00
    "How many Nodes will `kubectl get nodes` list for k.Cluster(nodes=3)?": (
        "k.Cluster(nodes=3)에서 `kubectl get nodes`는 노드를 몇 개 보여 줄까?"
    ),
    # lesson 01
    "Right after `kubectl create deployment`, before any time passes, how many pods exist?": (
        "`kubectl create deployment` 직후, 시간이 조금도 흐르기 전에 파드는 몇 개 있을까?"
    ),
    "1, already Running": "1, 이미 Running",
    "You set the image to a tag that does not exist. A minute later, how many pods still answer?": (
        "이미지를 존재하지 않는 태그로 바꾼다. 1분 뒤 응답하는 파드는 몇 개일까?"
    ),
    "0: all were replaced": "0: 모두 교체되었다",
    "3: the old pods keep running": "3: 기존 파드가 계속 실행된다",
    "You scale web to 12 replicas. How many land on the control-plane node?": (
        "web을 레플리카 12개로 스케일한다. 컨트롤 플레인 노드에는 몇 개가 배치될까?"
    ),
    "about 3 (a quarter of them)": "약 3개 (4분의 1)",
    "all 12": "12개 모두",
    "We start kube-controller-manager only. What do the pods look like 30 s later?": (
        "kube-controller-manager만 시작한다. 30초 뒤 파드는 어떤 모습일까?"
    ),
    "still no pods": "여전히 파드가 없다",
    "2 pods, Pending, with no node": "파드 2개, 노드 없이 Pending",
    "2 pods Running": "파드 2개 Running",
    "3 workers with 4 CPUs each. You ask for 13 pods, each requesting 1 CPU but using almost none. "
    "How many run?": (
        "CPU 4개짜리 워커 3대. 각각 CPU 1개를 요청하지만 거의 쓰지 않는 파드 13개를 요청한다. "
        "몇 개가 실행될까?"
    ),
    "node-2 powers off. When do its pods get replacements on other nodes?": (
        "node-2의 전원이 꺼진다. 그 노드의 파드를 대신할 파드는 언제 다른 노드에 생길까?"
    ),
    "at once": "즉시",
    "about 1 minute later": "약 1분 뒤",
    "about 6 minutes later": "약 6분 뒤",
    "Which component is down in `mystery`?": "`mystery`에서 멈춘 컴포넌트는 무엇일까?",
    "a kubelet": "kubelet 하나",
    "a kube-proxy": "kube-proxy 하나",
    # lesson 02
    "We stop etcd. What does `kubectl get namespaces` do?": (
        "etcd를 멈춘다. `kubectl get namespaces`는 어떻게 될까?"
    ),
    "the same list, from kube-apiserver's memory": "kube-apiserver 메모리에 있는 같은 목록",
    "an error": "오류",
    "an empty list": "빈 목록",
    "On a fresh store (revision 1): put a, put b, put a again. What is the store's revision now?": (
        "새 저장소(리비전 1)에서 a를 put, b를 put, 다시 a를 put한다. 저장소의 리비전은 이제 얼마일까?"
    ),
    "You delete a key that does not exist. Does the store's revision go up?": (
        "존재하지 않는 키를 삭제한다. 저장소의 리비전이 올라갈까?"
    ),
    "yes, by one": "그렇다, 1만큼",
    "no": "아니다",
    "Now both use a txn guarded by the mod_revision they read. "
    "What is the counter after both try once?": (
        "이번에는 둘 다 읽어 온 mod_revision으로 보호한 txn을 쓴다. 둘 다 한 번씩 시도하면 "
        "카운터는 얼마일까?"
    ),
    "6, and B is told it lost": "6, 그리고 B는 졌다는 사실을 알게 된다",
    "6, and B never finds out": "6, 그리고 B는 끝내 모른다",
    "We compact at the current revision. What happens to the counter's current value?": (
        "현재 리비전에서 컴팩션한다. 카운터의 현재 값은 어떻게 될까?"
    ),
    "it is kept": "남아 있다",
    "it is deleted": "삭제된다",
    "it goes back to its first value": "처음 값으로 돌아간다",
    # lesson 03
    "We stop kube-apiserver; etcd keeps running with all the data. "
    "What does `kubectl get namespaces` print?": (
        "kube-apiserver를 멈춘다. etcd는 모든 데이터를 가진 채 계속 실행된다. "
        "`kubectl get namespaces`는 무엇을 출력할까?"
    ),
    "the four namespaces, read from etcd": "etcd에서 읽은 네임스페이스 4개",
    "an empty table": "빈 표",
    "You run `kubectl create -f web.yaml` twice; then, after deleting it, "
    "`kubectl apply -f web.yaml` twice. What does the second run of each print?": (
        "`kubectl create -f web.yaml`을 두 번 실행한다. 그다음 지우고 나서 "
        "`kubectl apply -f web.yaml`을 두 번 실행한다. 각각 두 번째 실행은 무엇을 출력할까?"
    ),
    "both fail: the Deployment already exists": "둘 다 실패한다: 디플로이먼트가 이미 있다",
    "create fails with AlreadyExists; apply says unchanged": (
        "create는 AlreadyExists로 실패하고, apply는 unchanged라고 한다"
    ),
    "create makes a second Deployment; apply says unchanged": (
        "create는 디플로이먼트를 하나 더 만들고, apply는 unchanged라고 한다"
    ),
    "both succeed without a word": "둘 다 아무 말 없이 성공한다",
    "Alice and Bob both read Deployment web. Alice sets replicas to 5 and updates it; then Bob "
    "sets replicas to 1 in his copy and updates it. What happens to Bob's update?": (
        "Alice와 Bob이 디플로이먼트 web을 함께 읽는다. Alice가 replicas를 5로 바꿔 update하고, "
        "이어서 Bob이 자기 사본에서 replicas를 1로 바꿔 update한다. Bob의 update는 어떻게 될까?"
    ),
    "it overwrites Alice's: replicas is 1": "Alice의 변경을 덮어쓴다: replicas는 1",
    "it is merged with Alice's: replicas stays 5": "Alice의 변경과 병합된다: replicas는 5 그대로",
    "it is refused with 409 Conflict": "409 Conflict로 거부된다",
    "it waits until Alice's is finished, then applies": "Alice의 변경이 끝날 때까지 기다렸다가 적용된다",
    "web has env=prod, db has env=dev, cache has no env label at all. "
    "Which pods does `kubectl get pods -l 'env!=prod'` list?": (
        "web에는 env=prod, db에는 env=dev 레이블이 있고 cache에는 env 레이블이 아예 없다. "
        "`kubectl get pods -l 'env!=prod'`는 어떤 파드를 보여 줄까?"
    ),
    "db and cache": "db와 cache",
    "none of them": "하나도 없다",
    "NoLatestTag only looks at pods. You create a Deployment whose pod template uses "
    "nginx:latest. What happens?": (
        "NoLatestTag는 파드만 검사한다. 파드 템플릿이 nginx:latest를 쓰는 디플로이먼트를 만들면 "
        "어떻게 될까?"
    ),
    "the Deployment is refused: Forbidden": "디플로이먼트가 거부된다: Forbidden",
    "the Deployment is stored, but every pod it tries to create is refused": (
        "디플로이먼트는 저장되지만, 그것이 만들려는 파드는 모두 거부된다"
    ),
    "the Deployment is stored and the tag is removed": "디플로이먼트가 저장되고 태그는 제거된다",
    "the Deployment and its pods run anyway": "디플로이먼트와 파드가 그대로 실행된다",
    # lesson 04
    "kube-scheduler is stopped. You create a Deployment with 3 replicas and wait 30 seconds. "
    "What does `kubectl get pods -o wide` show?": (
        "kube-scheduler가 멈춰 있다. 레플리카 3개짜리 디플로이먼트를 만들고 30초를 기다린다. "
        "`kubectl get pods -o wide`는 무엇을 보여 줄까?"
    ),
    "no pods at all": "파드가 하나도 없다",
    "3 Pending pods, NODE <none>": "Pending 파드 3개, NODE <none>",
    "3 Running pods, all on node-1": "Running 파드 3개, 모두 node-1에",
    "3 Running pods, one per node": "Running 파드 3개, 노드마다 하나씩",
    "node-1 is by far the busiest machine (burner uses 3 CPUs but requested 100m). node-2 and "
    "node-3 are idle, but their pods requested 2.5 CPUs each. A new pod requests 1 CPU. "
    "Where does it go?": (
        "node-1이 단연 가장 바쁜 머신이다(burner는 CPU 3개를 쓰지만 100m만 요청했다). "
        "node-2와 node-3은 한가하지만 그 파드들이 각각 CPU 2.5개를 요청했다. 새 파드가 CPU 1개를 "
        "요청한다. 어디로 갈까?"
    ),
    "node-2 or node-3": "node-2 또는 node-3",
    "nowhere: it stays Pending": "어디에도 가지 않는다: Pending으로 남는다",
    "the control-plane node": "컨트롤 플레인 노드",
    "node-3 is tainted dedicated=gpu:NoSchedule. We create 6 small pods that tolerate that taint. "
    "Where do they go?": (
        "node-3에 dedicated=gpu:NoSchedule 테인트가 있다. 그 테인트를 용인하는 작은 파드 6개를 "
        "만든다. 어디로 갈까?"
    ),
    "all on node-3: the toleration draws them there": "모두 node-3에: 톨러레이션이 그쪽으로 끌어당긴다",
    "anywhere: the toleration only allows node-3": "어디든: 톨러레이션은 node-3을 허용할 뿐이다",
    "never on node-3": "node-3에는 절대 가지 않는다",
    "they stay Pending": "Pending으로 남는다",
    "Every worker has 400m CPU free and all pods have priority 0. A pod of priority class high "
    "(1000000) asks for 1 CPU. What happens?": (
        "모든 워커에 CPU 400m이 비어 있고 모든 파드의 우선순위는 0이다. 우선순위 클래스 high"
        "(1000000)인 파드가 CPU 1개를 요청한다. 어떻게 될까?"
    ),
    "it stays Pending until someone frees room": "누군가 자리를 비울 때까지 Pending으로 남는다",
    "lower-priority pods on one node are evicted, then it is bound there": (
        "한 노드의 낮은 우선순위 파드가 축출되고, 그 노드에 바인딩된다"
    ),
    "it is bound anyway and the node is overcommitted": "그냥 바인딩되고 노드는 초과 할당된다",
    "the oldest pod in the cluster is killed": "클러스터에서 가장 오래된 파드가 종료된다",
}

# Descriptions (docstrings) and hints of the graded tests, as check() shows them.
GRADING = {
    # exercise 01
    "The component that is down, on a public scenario.": "공개 시나리오에서 멈춘 컴포넌트.",
    "A node-level fault: the component and the node it runs on.": (
        "노드 수준의 장애: 컴포넌트와 그것이 실행되는 노드."
    ),
    "The component that is down, on an unseen scenario.": "처음 보는 시나리오에서 멈춘 컴포넌트.",
    "The node of a node-level fault, on an unseen scenario.": (
        "처음 보는 시나리오에서 노드 수준 장애가 난 노드."
    ),
    "diagnose(kubectl, curl) returns a str such as 'kube-scheduler' or 'kubelet/node-2'.": (
        "diagnose(kubectl, curl)는 'kube-scheduler'나 'kubelet/node-2' 같은 str을 반환한다."
    ),
    # exercise 02
    "A missing key counts as 0.": "없는 키는 0으로 센다.",
    "A missing key is 0. etcd fails every value compare on a missing key: compare mod_revision "
    "(0 when the key is missing) instead.": (
        "없는 키는 0이다. etcd는 없는 키에 대한 value 비교를 모두 실패시킨다. 대신 "
        "mod_revision(키가 없으면 0)을 비교한다."
    ),
    "An existing value goes up by one, in one write.": "있는 값은 한 번의 쓰기로 1 올라간다.",
    "Read the key, then write value + 1 in one txn guarded by a compare.": (
        "키를 읽은 다음, 비교로 보호한 txn 하나로 값 + 1을 쓴다."
    ),
    "Two writers, one increment each, in every interleaving: none is lost.": (
        "작성자 둘이 한 번씩 증가시킨다. 어떤 순서로 섞여도 하나도 잃어버리지 않는다."
    ),
    "Between your get and your write another writer may commit: write with a txn that compares "
    "mod_revision, and read again and retry when it fails.": (
        "get과 쓰기 사이에 다른 작성자가 커밋할 수 있다. mod_revision을 비교하는 txn으로 쓰고, "
        "실패하면 다시 읽고 재시도한다."
    ),
    "Two writers, two increments each, in every interleaving.": (
        "작성자 둘이 두 번씩 증가시킨다. 가능한 모든 순서로."
    ),
    "Three writers, one increment each, in every interleaving.": (
        "작성자 셋이 한 번씩 증가시킨다. 가능한 모든 순서로."
    ),
    "Each retry must read again: a stale revision never matches.": (
        "재시도할 때마다 다시 읽어야 한다. 오래된 리비전은 결코 일치하지 않는다."
    ),
    "Losing every race: exactly `attempts` compare-and-swaps, then GaveUp, nothing written.": (
        "경쟁에서 매번 질 때: 정확히 `attempts`번 compare-and-swap을 하고 GaveUp, 쓴 것은 없다."
    ),
    "Try at most `attempts` compare-and-swaps, then raise GaveUp.": (
        "compare-and-swap은 최대 `attempts`번까지 시도하고, 그다음 GaveUp을 발생시킨다."
    ),
    "The first list copies the keys under the prefix, and only those.": (
        "첫 list는 접두사 아래의 키를, 그 키만 복사한다."
    ),
    "range(prefix) lists the keys; etcd.revision is the revision the list reflects.": (
        "range(prefix)가 키 목록을 준다. etcd.revision이 그 목록이 반영한 리비전이다."
    ),
    "Puts, updates and deletes arrive through the watch; revision follows them.": (
        "put, 갱신, 삭제가 워치로 도착하고, revision이 그것을 따라간다."
    ),
    "A PUT event sets the key, a DELETE removes it; event.kv.mod_revision is the new revision.": (
        "PUT 이벤트는 키를 설정하고 DELETE는 키를 지운다. event.kv.mod_revision이 새 리비전이다."
    ),
    "History still there: resume from the last revision + 1, no new list.": (
        "기록이 남아 있을 때: 마지막 리비전 + 1부터 재개하고, 새로 list하지 않는다."
    ),
    "Resume the watch at start_revision=self.revision + 1: etcd replays what you missed.": (
        "start_revision=self.revision + 1로 워치를 재개한다. etcd가 놓친 것을 다시 보내 준다."
    ),
    "History compacted: list again and replace the copy (deleted keys go).": (
        "기록이 컴팩션되었을 때: 다시 list하고 사본을 교체한다(삭제된 키는 사라진다)."
    ),
    "watch() raises Compacted when the history is gone: then list again and replace the whole "
    "copy.": (
        "기록이 사라졌으면 watch()가 Compacted를 발생시킨다. 그러면 다시 list하고 사본 전체를 "
        "교체한다."
    ),
    "etcd keeps the compaction revision: resuming right there needs no list.": (
        "etcd는 컴팩션 리비전 자체는 보관한다. 바로 그 지점에서 재개하면 list가 필요 없다."
    ),
    "Only a start revision below the compaction revision is gone.": (
        "컴팩션 리비전보다 작은 시작 리비전만 사라진다."
    ),
    "Random writes, drops, compactions and reconnects: the copy always ends right.": (
        "무작위 쓰기, 끊김, 컴팩션, 재연결: 사본은 언제나 올바르게 끝난다."
    ),
    "Resume when you can, re-list (replacing the copy) when you must.": (
        "할 수 있으면 재개하고, 해야 할 때만 다시 list한다(사본을 교체한다)."
    ),
    # exercise 03
    "Equality-based selectors: =, == and !=.": "일치성 기준 셀렉터: =, ==, !=.",
    "!= and notin match a pod that has no such label; in does not.": (
        "!=와 notin은 그 레이블이 없는 파드와 일치한다. in은 그렇지 않다."
    ),
    "A label that is not there is not equal to anything, and not in any set.": (
        "없는 레이블은 어떤 값과도 같지 않고, 어떤 집합에도 속하지 않는다."
    ),
    "Set-based selectors: in, notin, exists and !exists.": (
        "집합성 기준 셀렉터: in, notin, exists, !exists."
    ),
    "Comma-separated requirements must all match; an empty selector matches everything.": (
        "쉼표로 구분한 요구 사항은 모두 일치해야 한다. 빈 셀렉터는 모든 것과 일치한다."
    ),
    "Split requirements on the commas that are not inside parentheses.": (
        "괄호 안에 있지 않은 쉼표에서 요구 사항을 나눈다."
    ),
    "Matching does not change the labels it is given.": "일치 검사는 받은 레이블을 바꾸지 않는다.",
    "Spaces around operators, commas and values are allowed.": (
        "연산자, 쉼표, 값 주위의 공백은 허용된다."
    ),
    "300 random selectors and label sets, compared with the real matching rules.": (
        "무작위 셀렉터와 레이블 집합 300개를 실제 일치 규칙과 비교한다."
    ),
    "A pod whose every container sets cpu and memory requests is created.": (
        "모든 컨테이너가 cpu와 memory 요청을 설정한 파드는 생성된다."
    ),
    "A container without a cpu or memory request is refused with 403 Forbidden.": (
        "cpu나 memory 요청이 없는 컨테이너는 403 Forbidden으로 거부된다."
    ),
    "An init container without requests is refused too.": "요청이 없는 초기화 컨테이너도 거부된다.",
    "Init containers are containers too: look at spec.initContainers as well.": (
        "초기화 컨테이너도 컨테이너다. spec.initContainers도 살펴본다."
    ),
    "One rejection lists every container that lacks a request, and only those.": (
        "한 번의 거부가 요청이 없는 컨테이너를 모두, 그리고 그것만 나열한다."
    ),
    "Collect every problem first, then raise once with all of them.": (
        "문제를 먼저 모두 모은 다음, 한 번에 전부 담아 예외를 발생시킨다."
    ),
    "A container with limits but no requests is admitted: defaulting copied the limits.": (
        "제한은 있고 요청은 없는 컨테이너는 승인된다. 기본값 설정이 제한을 복사했다."
    ),
    "Defaulting runs before validating admission (REFERENCE §2).": (
        "기본값 설정은 유효성 검사 어드미션보다 먼저 실행된다(REFERENCE §2)."
    ),
    "The plugin looks at pods only; other kinds pass through untouched.": (
        "플러그인은 파드만 검사한다. 다른 종류는 그대로 통과한다."
    ),
    "Pods made before the plugin can still be labelled, have status written, and be deleted.": (
        "플러그인 이전에 만든 파드도 여전히 레이블을 붙이고, 상태를 쓰고, 삭제할 수 있다."
    ),
    "Only a CREATE carries a new pod to check; a DELETE has no object at all.": (
        "검사할 새 파드를 담는 것은 CREATE뿐이다. DELETE에는 오브젝트가 아예 없다."
    ),
    "Pods with generateName or in another namespace are checked the same way.": (
        "generateName을 쓰거나 다른 네임스페이스에 있는 파드도 똑같이 검사한다."
    ),
    "FIXED_WEB holds the Deployment and the Service, and the Service is unchanged.": (
        "FIXED_WEB에 디플로이먼트와 서비스가 있고, 서비스는 바뀌지 않았다."
    ),
    "Applying FIXED_WEB over the live Deployment is accepted by the API server.": (
        "실행 중인 디플로이먼트 위에 FIXED_WEB을 apply하면 API 서버가 받아들인다."
    ),
    "A Deployment's selector is immutable: change the template's labels instead.": (
        "디플로이먼트의 셀렉터는 변경할 수 없다. 대신 템플릿의 레이블을 바꾼다."
    ),
    "After the fix the Service has 3 ready endpoints and the Deployment 3 available pods.": (
        "고친 뒤 서비스에는 준비된 엔드포인트가 3개, 디플로이먼트에는 사용 가능한 파드가 3개 있다."
    ),
    "The Service selects app=web AND tier=frontend: the pods need both labels.": (
        "서비스는 app=web 그리고 tier=frontend를 선택한다. 파드에는 두 레이블이 모두 필요하다."
    ),
    # exercise 04
    "A pod's request is the sum of its containers' requests (cpu in millicores, memory in bytes).": (
        "파드의 요청은 컨테이너 요청의 합이다(cpu는 밀리코어, memory는 바이트)."
    ),
    "Init containers count as max(sum of app containers, largest init container), per resource.": (
        "초기화 컨테이너는 리소스마다 max(앱 컨테이너의 합, 가장 큰 초기화 컨테이너)로 센다."
    ),
    "Init containers run one at a time, before the app containers start.": (
        "초기화 컨테이너는 앱 컨테이너가 시작하기 전에 하나씩 차례로 실행된다."
    ),
    "Several init containers: the largest one counts, not their sum.": (
        "초기화 컨테이너가 여럿이면 합이 아니라 가장 큰 것을 센다."
    ),
    "The filter passes a node with room and names every resource a node is short of.": (
        "필터는 자리가 있는 노드를 통과시키고, 노드에 모자란 리소스를 모두 밝힌다."
    ),
    "A node already running its allocatable number of pods rejects one more.": (
        "할당 가능한 수만큼 파드를 이미 실행 중인 노드는 하나 더 받지 않는다."
    ),
    "The pod count is checked too: a node runs at most allocatable 'pods' pods.": (
        "파드 수도 검사한다. 노드는 할당 가능한 'pods' 수까지만 파드를 실행한다."
    ),
    "Pods without requests do not fill a node, however many there are.": (
        "요청이 없는 파드는 아무리 많아도 노드를 채우지 않는다."
    ),
    "Filter with the actual requests (node_info.requested): BestEffort pods request nothing.": (
        "실제 요청(node_info.requested)으로 필터링한다. BestEffort 파드는 아무것도 요청하지 않는다."
    ),
    "An init container bigger than the node keeps the pod off it.": (
        "노드보다 큰 초기화 컨테이너가 있으면 파드는 그 노드에 가지 못한다."
    ),
    "Inside kube-scheduler: pods fill the nodes exactly, and the next one stays Pending.": (
        "kube-scheduler 안에서: 파드가 노드를 꼭 맞게 채우고, 그다음 파드는 Pending으로 남는다."
    ),
    "WEIGHT is the score weight your plugin is registered with: a positive int.": (
        "WEIGHT는 플러그인을 등록할 때 쓰는 점수 가중치다. 양의 int여야 한다."
    ),
    "Pods that ask for no GPU stay off the (bigger, emptier) GPU nodes.": (
        "GPU를 요청하지 않는 파드는 (더 크고 더 비어 있는) GPU 노드를 피한다."
    ),
    "Score 0 for a GPU node when the pod asks for no GPU; weigh it enough to win.": (
        "파드가 GPU를 요청하지 않으면 GPU 노드에 0점을 준다. 이길 만큼 가중치를 준다."
    ),
    "Replicas of one app go to the zone that runs the fewest of them.": (
        "한 앱의 레플리카는 그 앱을 가장 적게 실행하는 영역으로 간다."
    ),
    "Count the pod's app per zone in pre_score; the zone with the fewest wins.": (
        "pre_score에서 영역별로 파드의 앱을 센다. 가장 적은 영역이 이긴다."
    ),
    "When no other node has room, a CPU pod still runs on a GPU node.": (
        "다른 노드에 자리가 없으면 CPU 파드도 GPU 노드에서 실행된다."
    ),
    "A preference is a score, not a filter: when nothing else fits, use the GPUs.": (
        "선호는 필터가 아니라 점수다. 다른 곳에 맞지 않으면 GPU 노드를 쓴다."
    ),
    "The policy wins even where LeastAllocated and BalancedAllocation prefer another node.": (
        "LeastAllocated와 BalancedAllocation이 다른 노드를 선호해도 정책이 이긴다."
    ),
    "The default plugins add up to 1200 points: the policy needs enough weight.": (
        "기본 플러그인은 합쳐서 1200점까지 더한다. 정책에는 충분한 가중치가 필요하다."
    ),
    "Pods that ask for GPUs spread their replicas over the zones' GPU nodes.": (
        "GPU를 요청하는 파드는 레플리카를 여러 영역의 GPU 노드에 분산한다."
    ),
    "GPU pods may use GPU nodes: for them, only the zone rule applies.": (
        "GPU 파드는 GPU 노드를 써도 된다. 그 파드에는 영역 규칙만 적용된다."
    ),
    "Other apps, and the same app in another namespace, do not count as replicas.": (
        "다른 앱, 그리고 다른 네임스페이스에 있는 같은 앱은 레플리카로 세지 않는다."
    ),
    "Count only pods with the same app label in the pod's own namespace.": (
        "파드 자신의 네임스페이스에서 같은 app 레이블을 가진 파드만 센다."
    ),
    "A pod without an app label still avoids the GPU nodes (and nothing crashes).": (
        "app 레이블이 없는 파드도 GPU 노드를 피한다(그리고 아무것도 죽지 않는다)."
    ),
}

PHRASES = {**PREDICTIONS, **GRADING}
for _part in (
    i18n_ko_phrases_05_06,
    i18n_ko_phrases_07_08,
    i18n_ko_phrases_09_10,
    i18n_ko_phrases_11_12,
):
    PHRASES |= _part.PREDICTIONS | _part.GRADING
