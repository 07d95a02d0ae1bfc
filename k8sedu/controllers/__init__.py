"""kube-controller-manager and its controllers, one module per controller.

``manager.ControllerManager`` is the process; ``manager.CONTROLLERS`` lists what it runs.
"""
