"""Korean phrases of lessons 05–06: predict questions and choices, graded tests' descriptions and hints.

The same kind of table as k8sedu/widgets/i18n_ko_phrases.py (lessons 00–04), kept per part so a
lesson's translation lives beside its neighbours'.
"""

from __future__ import annotations

PREDICTIONS: dict[str, str] = {
    # lesson 05
    "kube-controller-manager is stopped. You create a Deployment with 3 replicas and wait "
    "30 seconds. What does `kubectl get deployments,replicasets,pods` show?": (
        "kube-controller-manager가 멈춰 있다. 레플리카 3개짜리 디플로이먼트를 만들고 30초 기다린다. "
        "`kubectl get deployments,replicasets,pods`는 무엇을 보여 줄까?"
    ),
    "the Deployment, a ReplicaSet and 3 Running pods": (
        "디플로이먼트, 레플리카셋, Running 파드 3개"
    ),
    "the Deployment, a ReplicaSet and 3 Pending pods": (
        "디플로이먼트, 레플리카셋, Pending 파드 3개"
    ),
    "only the Deployment, READY 0/3": "디플로이먼트만, READY 0/3",
    "an error: the Deployment cannot be created": "오류: 디플로이먼트를 만들 수 없다",
    "You delete one of web's three pods. What does `kubectl get pods -o wide` show a moment "
    "later?": (
        "web의 파드 세 개 중 하나를 지운다. 잠시 뒤 `kubectl get pods -o wide`는 무엇을 보여 줄까?"
    ),
    "2 pods: a deleted pod is gone": "파드 2개: 지운 파드는 사라진다",
    "3 pods: the same pod is back, with the same name and IP": (
        "파드 3개: 같은 파드가 같은 이름과 IP로 돌아온다"
    ),
    "3 pods: a new pod with a new name and a new IP": "파드 3개: 새 이름과 새 IP를 가진 새 파드",
    "3 pods: the deleted one restarted, RESTARTS 1": "파드 3개: 지운 파드가 재시작했다, RESTARTS 1",
    "web's ReplicaSet says DESIRED 3. You run `kubectl scale replicaset <its name> "
    "--replicas=5`. What does `kubectl get rs` show 5 seconds later?": (
        "web의 레플리카셋은 DESIRED 3이다. `kubectl scale replicaset <그 이름> --replicas=5`를 "
        "실행한다. 5초 뒤 `kubectl get rs`는 무엇을 보여 줄까?"
    ),
    "DESIRED 5": "DESIRED 5",
    "DESIRED 3": "DESIRED 3",
    "DESIRED 8": "DESIRED 8",
    "an error: this ReplicaSet belongs to a Deployment": (
        "오류: 이 레플리카셋은 디플로이먼트에 속해 있다"
    ),
    "You change one web pod's label from app=web to app=debug. What happens?": (
        "web 파드 하나의 레이블을 app=web에서 app=debug로 바꾼다. 어떻게 될까?"
    ),
    "the pod is deleted": "파드가 삭제된다",
    "nothing: the ReplicaSet still owns the pod": (
        "아무 일도 없다: 레플리카셋이 여전히 그 파드를 소유한다"
    ),
    "the ReplicaSet lets the pod go and creates a replacement; the relabelled pod keeps running": (
        "레플리카셋이 그 파드를 놓아주고 대신할 파드를 만든다. 레이블을 바꾼 파드는 계속 실행된다"
    ),
    "the ReplicaSet changes the label back": "레플리카셋이 레이블을 되돌린다",
    "shop has 10 replicas and the default strategy (maxSurge 25%, maxUnavailable 25%). "
    "During `kubectl set image`, what is the most pods the ReplicaSets ask for at once, "
    "and the fewest Ready pods?": (
        "shop은 레플리카 10개에 기본 전략(maxSurge 25%, maxUnavailable 25%)을 쓴다. "
        "`kubectl set image` 동안 레플리카셋들이 한꺼번에 요구하는 파드는 최대 몇 개이고, "
        "Ready인 파드는 최소 몇 개일까?"
    ),
    "10 and 10: one pod at a time": "10개와 10개: 한 번에 파드 하나씩",
    "13 and 8": "13개와 8개",
    "12 and 7": "12개와 7개",
    "20 and 0: all new pods first": "20개와 0개: 새 파드를 모두 먼저",
    "You run `kubectl rollout undo deployment/shop`. Which ReplicaSet runs the pods afterwards?": (
        "`kubectl rollout undo deployment/shop`을 실행한다. 그 뒤에는 어느 레플리카셋이 파드를 "
        "실행할까?"
    ),
    "a third, new ReplicaSet": "세 번째의 새 레플리카셋",
    "the first ReplicaSet, scaled back up: same name, same pod-template-hash": (
        "다시 늘어난 첫 번째 레플리카셋: 같은 이름, 같은 pod-template-hash"
    ),
    "the second one, with the image of its pods changed in place": (
        "두 번째 레플리카셋, 파드의 이미지만 제자리에서 바뀐다"
    ),
    "none: undo restores the old pods from etcd": ("없다: undo는 etcd에서 옛 파드를 복원한다"),
    "shop's manifest says replicas: 10. Someone runs `kubectl scale deployment shop "
    "--replicas=4`. Later the pipeline applies the unchanged manifest. How many replicas?": (
        "shop의 매니페스트에는 replicas: 10이 있다. 누군가 `kubectl scale deployment shop "
        "--replicas=4`를 실행한다. 나중에 파이프라인이 바뀌지 않은 매니페스트를 적용한다. "
        "레플리카는 몇 개일까?"
    ),
    "4: the last change wins": "4개: 마지막 변경이 이긴다",
    "apply fails with a conflict": "apply가 충돌로 실패한다",
    # lesson 06
    "node-1's kubelet is stopped. You create a pod and wait 20 seconds. "
    "What does `kubectl get pods -o wide` show?": (
        "node-1의 kubelet이 멈춰 있다. 파드를 만들고 20초 기다린다. "
        "`kubectl get pods -o wide`는 무엇을 보여 줄까?"
    ),
    "Pending, NODE <none>: the scheduler skips a node without a kubelet": (
        "Pending, NODE <none>: 스케줄러는 kubelet이 없는 노드를 건너뛴다"
    ),
    "Pending, NODE node-1, no IP: bound, but nobody starts it": (
        "Pending, NODE node-1, IP 없음: 바인딩되었지만 아무도 시작하지 않는다"
    ),
    "Running on node-1": "node-1에서 Running",
    "Running on the control-plane node": "컨트롤 플레인 노드에서 Running",
    "node-1's kubelet stopped at t = 0 and has renewed nothing since. When does "
    "`kubectl get nodes` show node-1 NotReady?": (
        "node-1의 kubelet이 t = 0에 멈췄고 그 뒤로 아무것도 갱신하지 않았다. "
        "`kubectl get nodes`는 언제 node-1을 NotReady로 보여 줄까?"
    ),
    "after about 10 s": "약 10초 뒤",
    "after about 50 s": "약 50초 뒤",
    "never: the machine is still up": "절대 안 된다: 머신은 여전히 켜져 있다",
    "A container exits with an error 5 seconds after every start. What does "
    "`kubectl get pods` show after two minutes?": (
        "컨테이너가 시작할 때마다 5초 뒤에 오류로 종료한다. 2분 뒤 `kubectl get pods`는 무엇을 "
        "보여 줄까?"
    ),
    "a new pod every 5 seconds, each with RESTARTS 0": "5초마다 새 파드, 각각 RESTARTS 0",
    "the same pod, about 23 restarts: one every 5 seconds": (
        "같은 파드, 재시작 약 23번: 5초마다 한 번"
    ),
    "the same pod, 4 or 5 restarts, CrashLoopBackOff between them": (
        "같은 파드, 재시작 4~5번, 그 사이에는 CrashLoopBackOff"
    ),
    "the pod Failed, RESTARTS 0": "파드는 Failed, RESTARTS 0",
    "Both flaky pods turn unhealthy at 60 s and healthy again at 90 s. At 95 s, which one has "
    "restarted?": (
        "flaky 파드 둘 다 60초에 건강하지 않게 되고 90초에 다시 건강해진다. 95초에 재시작한 것은 "
        "어느 쪽일까?"
    ),
    "both: a failing probe restarts the container": "둘 다: 실패하는 프로브는 컨테이너를 재시작한다",
    "only the one with the liveness probe": "활성 프로브를 가진 파드만",
    "only the one with the readiness probe": "준비성 프로브를 가진 파드만",
    "neither: both are only marked not ready": "둘 다 아니다: 둘 다 준비되지 않음으로 표시될 뿐이다",
    "An app takes 45 s to answer. Its liveness probe uses the defaults (every 10 s, 3 "
    "failures). What happens?": (
        "앱이 응답하기까지 45초가 걸린다. 활성 프로브는 기본값(10초마다, 실패 3번)을 쓴다. "
        "어떻게 될까?"
    ),
    "it is Ready after about 45 s": "약 45초 뒤에 Ready가 된다",
    "it is killed at about 20 s, before it ever answers, again and again": (
        "한 번도 응답하기 전인 약 20초에 죽고, 그것이 계속 되풀이된다"
    ),
    "the liveness probe waits until the app has started": "활성 프로브는 앱이 시작할 때까지 기다린다",
    "it stays Running but never Ready": "Running으로 남지만 절대 Ready가 되지 않는다",
}

GRADING: dict[str, str] = {
    # exercise 05
    "claim() sorts pods by controller reference and labels: mine, to adopt, to release.": (
        "claim()은 컨트롤러 참조와 레이블로 파드를 나눈다: 내 것, 입양할 것, 놓아줄 것."
    ),
    "Finished and terminating pods take no part; only a controller reference makes an owner.": (
        "끝난 파드와 종료 중인 파드는 참여하지 않는다. 소유자를 정하는 것은 컨트롤러 참조뿐이다."
    ),
    "A mix of pods: each list keeps the order the pods were given in.": (
        "파드가 섞여 있을 때: 각 리스트는 파드가 주어진 순서를 유지한다."
    ),
    "The selector may use matchExpressions: the ReplicaSet's selector decides, not app=web.": (
        "셀렉터는 matchExpressions를 쓸 수도 있다. app=web이 아니라 레플리카셋의 셀렉터가 결정한다."
    ),
    "Rules 1-3 of the scale-down order: unassigned, then by phase, then not ready, first.": (
        "스케일 다운 순서의 규칙 1-3: 할당되지 않은 파드, 그다음 단계(phase)로, 그다음 준비되지 "
        "않은 파드가 먼저."
    ),
    "An earlier rule wins over a later one; ties keep their order.": (
        "앞의 규칙이 뒤의 규칙을 이긴다. 동점이면 순서를 유지한다."
    ),
    "A Ready pod still in phase Pending goes before a Running pod that is not Ready.": (
        "아직 단계가 Pending인 Ready 파드가 Ready가 아닌 Running 파드보다 먼저 간다."
    ),
    "A new ReplicaSet gets exactly spec.replicas pods, which it controls, and they run.": (
        "새 레플리카셋은 정확히 spec.replicas개의 파드를 갖고, 그 파드를 컨트롤하며, 파드는 실행된다."
    ),
    "Compare spec.replicas with the pods you count, and create the difference.": (
        "spec.replicas와 세는 파드 수를 비교하고, 차이만큼 만든다."
    ),
    "Scaled up and down, the ReplicaSet ends with exactly spec.replicas live pods each time.": (
        "늘리든 줄이든, 레플리카셋은 매번 정확히 spec.replicas개의 살아 있는 파드로 끝난다."
    ),
    "A deleted pod is replaced by a new one with a new name.": (
        "삭제된 파드는 새 이름을 가진 새 파드로 교체된다."
    ),
    "Two reconciles before the watch delivers the new pods create the pods once, not twice.": (
        "워치가 새 파드를 전달하기 전에 조정이 두 번 실행되어도 파드는 두 번이 아니라 한 번만 "
        "만들어진다."
    ),
    "Before creating, expect_creations(); skip counting until expectations are satisfied().": (
        "만들기 전에 expect_creations()를 호출한다. 기대치가 satisfied()가 될 때까지 세지 않는다."
    ),
    "The same after a scale-up from 2 to 5: 3 more pods, once; and the controller goes on.": (
        "2에서 5로 늘린 뒤에도 같다: 파드 3개를 더, 한 번만. 그리고 컨트롤러는 계속 동작한다."
    ),
    "Expectations are per ReplicaSet key and must be satisfied again after each sync.": (
        "기대치는 레플리카셋 키마다 따로이고, 동기화할 때마다 다시 충족되어야 한다."
    ),
    "Two bare pods with matching labels exist first: the ReplicaSet adopts them, creates one.": (
        "레이블이 맞는 맨 파드 두 개가 먼저 있다: 레플리카셋은 그것들을 입양하고 하나를 만든다."
    ),
    "An orphan whose labels match is adopted and counted: create only the rest.": (
        "레이블이 맞는 고아는 입양되어 세어진다. 나머지만 만든다."
    ),
    "A pod relabelled app=debug is let go (kept running, no owner) and replaced.": (
        "레이블을 app=debug로 바꾼 파드는 놓아주고(소유자 없이 계속 실행된다) 교체된다."
    ),
    "A pod it controls but no longer selects is released, then replaced.": (
        "컨트롤하지만 더 이상 셀렉터로 고르지 않는 파드는 놓아주고, 그다음 교체한다."
    ),
    "A deleted pod that takes 30 s to stop is replaced at once, not after it is gone.": (
        "멈추는 데 30초가 걸리는 삭제된 파드는 사라진 뒤가 아니라 즉시 교체된다."
    ),
    "A pod with a deletionTimestamp is on its way out: do not count it.": (
        "deletionTimestamp가 있는 파드는 떠나는 중이다. 세지 않는다."
    ),
    "Two ReplicaSets with overlapping selectors each keep their own pods.": (
        "셀렉터가 겹치는 레플리카셋 두 개는 각자 자기 파드를 유지한다."
    ),
    "Count only the pods whose controller reference has your ReplicaSet's uid.": (
        "컨트롤러 참조에 여러분의 레플리카셋 uid가 있는 파드만 센다."
    ),
    "Scaled down from 4 to 2, the ReplicaSet deletes its two unscheduled pods, not running ones.": (
        "4에서 2로 줄이면, 레플리카셋은 실행 중인 파드가 아니라 스케줄링되지 않은 파드 두 개를 지운다."
    ),
    "Delete in deletion_order(): pods that never got a node go first.": (
        "deletion_order() 순서로 지운다. 노드를 받지 못한 파드가 먼저 간다."
    ),
    "status (what kubectl get rs prints) counts the pods: 3 current, 3 ready.": (
        "status(kubectl get rs가 출력하는 것)는 파드를 센다: current 3, ready 3."
    ),
    "Call self.write_status(rs, pods) at the end of every reconcile.": (
        "조정할 때마다 끝에서 self.write_status(rs, pods)를 호출한다."
    ),
    "A key whose ReplicaSet is gone (deleted meanwhile) is not an error.": (
        "레플리카셋이 (그사이에 삭제되어) 사라진 키는 오류가 아니다."
    ),
    "When informer('replicasets').get(key) is None, forget the key and return.": (
        "informer('replicasets').get(key)가 None이면 그 키를 잊고 반환한다."
    ),
    "The real Deployment controller drives your ReplicaSets through a rolling update.": (
        "실제 디플로이먼트 컨트롤러가 여러분의 레플리카셋으로 롤링 업데이트를 진행한다."
    ),
    "Scale, delete and relabel in quick succession: the count is right at the end.": (
        "스케일, 삭제, 레이블 변경을 연달아 빠르게 해도 끝에서 개수가 맞다."
    ),
    # exercise 06
    "A container that runs: Running, ready once its readiness passes, no restarts.": (
        "실행되는 컨테이너: Running, 준비성 검사를 통과하면 준비됨, 재시작 없음."
    ),
    "A container crashing every 5 s: restarts at 5, 20, 45 …, CrashLoopBackOff in between.": (
        "5초마다 크래시하는 컨테이너: 5, 20, 45 …초에 재시작하고, 그 사이에는 CrashLoopBackOff."
    ),
    "The first restart is immediate; the back-off starts with the second one.": (
        "첫 재시작은 즉시 일어난다. 백오프는 두 번째 재시작부터 시작한다."
    ),
    "The back-off grows 10, 20, 40, 80, 160, 300 and stays at 300 s.": (
        "백오프는 10, 20, 40, 80, 160, 300으로 늘어나고 300초에 머문다."
    ),
    "The wait doubles from 10 s and stops growing at 300 s (5 minutes).": (
        "기다림은 10초에서 두 배씩 늘어나고 300초(5분)에서 더 늘지 않는다."
    ),
    "After a run longer than 10 minutes the kubelet restarts at once and starts over at 10 s.": (
        "10분보다 오래 간 실행 뒤에는 kubelet이 즉시 재시작하고 10초부터 다시 시작한다."
    ),
    "A run of more than 10 minutes resets the back-off: restart at once, then 10 s.": (
        "10분보다 오래 간 실행은 백오프를 초기화한다: 즉시 재시작, 그다음 10초."
    ),
    "More than 600 s resets; exactly 600 s does not.": (
        "600초보다 길면 초기화된다. 정확히 600초는 아니다."
    ),
    "restartPolicy decides whether an ending is restarted; a final ending shows as STATUS.": (
        "종료 뒤에 재시작할지는 restartPolicy가 정한다. 최종 종료는 STATUS에 나온다."
    ),
    "Always restarts even after exit code 0; OnFailure only after a failure.": (
        "Always는 종료 코드 0 뒤에도 재시작한다. OnFailure는 실패 뒤에만 재시작한다."
    ),
    "A final ending after restarts: RESTARTS still dates the previous termination.": (
        "재시작 뒤의 최종 종료: RESTARTS는 여전히 이전 종료의 시각을 보여 준다."
    ),
    "RESTARTS counts restarts; `ago` is from the run before the current one.": (
        "RESTARTS는 재시작 횟수다. `ago`는 현재 실행 바로 앞의 실행으로부터 잰다."
    ),
    "With a startup probe, READY waits for it, then for the readiness probe.": (
        "시작 프로브가 있으면 READY는 그것을 기다리고, 그다음 준비성 프로브를 기다린다."
    ),
    "Readiness is not checked until the startup probe has succeeded.": (
        "시작 프로브가 성공할 때까지 준비 상태는 검사하지 않는다."
    ),
    "Every run starts not ready and must pass its probes again.": (
        "실행은 매번 준비되지 않음으로 시작하고, 프로브를 다시 통과해야 한다."
    ),
    "Default probes (period 10 s, 3 failures, 1 success): Ready, NotReady, Killed.": (
        "기본값의 프로브(주기 10초, 실패 3번, 성공 1번): Ready, NotReady, Killed."
    ),
    "Readiness starts failed, liveness starts succeeded; count outcomes in a row.": (
        "준비성은 실패로, 활성은 성공으로 시작한다. 결과는 연속된 것만 센다."
    ),
    "periodSeconds, initialDelaySeconds and the thresholds change when results flip.": (
        "periodSeconds, initialDelaySeconds, 임계값에 따라 결과가 바뀌는 시각이 달라진다."
    ),
    "Probes tick at 0, P, 2P …; a tick before initialDelaySeconds is skipped.": (
        "프로브는 0, P, 2P …에 실행된다. initialDelaySeconds 전의 틱은 건너뛴다."
    ),
    "A startup probe protects a slow app from liveness, and kills it if it never starts.": (
        "시작 프로브는 느린 앱을 활성 프로브로부터 보호하고, 끝내 시작하지 않으면 죽인다."
    ),
    "Until the startup probe succeeds, liveness and readiness do not run at all.": (
        "시작 프로브가 성공할 때까지 활성 프로브와 준비성 프로브는 아예 실행되지 않는다."
    ),
    "After the startup probe: readiness and liveness start on their own clocks.": (
        "시작 프로브 뒤에는 준비성 프로브와 활성 프로브가 각자의 시계로 시작한다."
    ),
}
