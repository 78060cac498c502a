"""CI systems recognised by path (and content), and the commands and uses of their jobs."""

from __future__ import annotations

import pytest

from mlops_scorecard.evidence.ci_systems import CiStep, CiSystemError, ci_steps, ci_system


def commands(path: str, text: str) -> list[tuple[str, int]]:
    """(command, line) of each command step."""
    return [(s.text, s.line) for s in ci_steps(path, text) if s.kind == "command"]


def uses(path: str, text: str) -> list[tuple[str, int]]:
    """(used thing, line) of each uses step."""
    return [(s.text, s.line) for s in ci_steps(path, text) if s.kind == "uses"]


@pytest.mark.parametrize(
    ("path", "system"),
    [
        (".github/workflows/ci.yml", "github-actions"),
        (".github/workflows/release.yaml", "github-actions"),
        (".github/actions/setup/action.yml", "github-actions"),
        (".gitea/workflows/test.yml", "gitea-actions"),
        (".gitlab-ci.yml", "gitlab-ci"),
        ("ci/templates/test.gitlab-ci.yml", "gitlab-ci"),
        (".gitlab/ci/jobs.yml", "gitlab-ci"),
        ("azure-pipelines.yml", "azure-pipelines"),
        ("build/azure-pipelines-pr.yaml", "azure-pipelines"),
        ("Jenkinsfile", "jenkins"),
        ("ci/Jenkinsfile.nightly", "jenkins"),
        ("deploy.jenkinsfile", "jenkins"),
        (".circleci/config.yml", "circleci"),
        ("cloudbuild.yaml", "cloud-build"),
        ("deploy/cloudbuild-prod.json", "cloud-build"),
        (".buildkite/pipeline.yml", "buildkite"),
        (".travis.yml", "travis"),
        ("bitbucket-pipelines.yml", "bitbucket-pipelines"),
        (".drone.yml", "drone"),
        (".woodpecker/test.yml", "woodpecker"),
        ("appveyor.yml", "appveyor"),
        (".semaphore/semaphore.yml", "semaphore"),
        ("codemagic.yaml", "codemagic"),
        (".tekton/pull-request.yaml", "tekton"),
        ("buildspec.yml", "aws-codebuild"),
        (".cirrus.yml", "cirrus-ci"),
        (".pipelines/build.yml", "azure-pipelines"),  # a candidate, without the text
    ],
)
def test_recognised_by_path(path: str, system: str) -> None:
    assert ci_system(path) == system


@pytest.mark.parametrize(
    "path",
    [
        "README.md",
        "docs/Jenkinsfile.md",
        "src/.github/workflows/ci.yml",
        "config.yml",
        "jenkinsfile_test.py",
        ".github/dependabot.yml",
    ],
)
def test_not_ci(path: str) -> None:
    assert ci_system(path) is None


AZURE = """\
# a comment: pytest
trigger:
  - main
pool:
  vmImage: ubuntu-latest
stages:
  - stage: Test
    jobs:
      - job: unit
        steps:
          - script: |
              pip install -r requirements.txt
              # pytest --old
              pytest -q tests/
            displayName: tests
          - bash: echo done
          - task: AzureCLI@2
            inputs:
              inlineScript: az ml job create -f job.yml
          - template: templates/lint.yml
"""


def test_azure_under_pipelines_folder_confirmed_by_content() -> None:
    assert ci_system(".pipelines/ci.yml", AZURE) == "azure-pipelines"
    assert ci_system(".azuredevops/steps.yml", "steps:\n  - script: make test\n") == "azure-pipelines"
    assert ci_system(".pipelines/k8s.yml", "apiVersion: v1\nkind: Pod\n") is None
    azure_ml_schedule = (
        "name: nightly\ntrigger:\n  type: cron\n  expression: '0 0 * * *'\ncreate_job: job.yml\n"
    )
    assert ci_system("ci/train-pipeline-schedule.yml", azure_ml_schedule) is None
    assert ci_system("ci/build.yml", "trigger: none\nsteps:\n  - bash: make\n") == "azure-pipelines"
    assert ci_system("ci/main.yml", "extends:\n  template: base.yml\n") == "azure-pipelines"
    assert ci_system("ci/gitlab-like.yml", "stages: [build, test]\nbuild:\n  script: make\n") is None
    assert ci_system(".pipelines/broken.yml", "trigger: [\n") is None
    assert commands(".pipelines/ci.yml", AZURE) == [
        ("pip install -r requirements.txt", 12),
        ("pytest -q tests/", 14),
        ("echo done", 16),
        ("az ml job create -f job.yml", 19),
    ]
    assert uses(".pipelines/ci.yml", AZURE) == [("AzureCLI@2", 17), ("templates/lint.yml", 20)]


GITHUB = """\
name: ci
on: [push]
defaults:
  run:
    shell: bash
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      # - run: pytest
      - run: pip install -e . && \\
          pip install pytest
      - name: tests
        run: |
          python -m pytest  # the tests
          echo "# not a comment"
  call:
    uses: org/repo/.github/workflows/reusable.yml@main
"""


def test_github_actions() -> None:
    assert ci_steps(".github/workflows/ci.yml", GITHUB) == [
        CiStep("uses", "actions/checkout@v4", 10),
        CiStep("command", "pip install -e . && pip install pytest", 12),
        CiStep("command", "python -m pytest", 16),
        CiStep("command", 'echo "# not a comment"', 17),
        CiStep("uses", "org/repo/.github/workflows/reusable.yml@main", 19),
    ]


GITLAB_REPORTS_ONLY = """\
include:
  - local: .gitlab/ci/lint.yml
  - project: group/templates
    file: /python.yml
  - template: Security/SAST.gitlab-ci.yml
image: python:3.11
stages: [report]
.defaults: &defaults
  before_script:
    - pip install requests
post-reports:
  <<: *defaults
  stage: report
  script:
    - curl -X POST --data @coverage.xml https://reports.example/upload
  artifacts:
    reports:
      junit: report.xml
      coverage_report:
        coverage_format: cobertura
        path: coverage.xml
"""


def test_gitlab_job_that_only_posts_reports() -> None:
    steps = ci_steps(".gitlab-ci.yml", GITLAB_REPORTS_ONLY)
    assert [(s.text, s.line) for s in steps if s.kind == "command"] == [
        ("pip install requests", 10),
        ("curl -X POST --data @coverage.xml https://reports.example/upload", 15),
    ]
    assert [(s.text, s.line) for s in steps if s.kind == "uses"] == [
        (".gitlab/ci/lint.yml", 2),
        ("group/templates", 3),
        ("Security/SAST.gitlab-ci.yml", 5),
        ("python:3.11", 6),
    ]
    assert not any("junit" in s.text or "pytest" in s.text for s in steps)


def test_gitlab_reference_tags_and_anchor_loops() -> None:
    text = "test:\n  script:\n    - !reference [.setup, script]\n    - pytest\nloop: &a\n  x: *a\n"
    assert commands(".gitlab-ci.yml", text) == [("pytest", 4)]


CLOUDBUILD = """\
steps:
  - name: gcr.io/cloud-builders/docker
    args: ['build', '-t', 'gcr.io/$PROJECT_ID/app', '.']
  - name: python:3.11
    entrypoint: bash
    args:
      - -c
      - |
        pip install -r requirements.txt
        pytest
  - name: python:3.11
    entrypoint: python
    args: ["-m", "pytest", "-q"]
  - name: gcr.io/google.com/cloudsdktool/cloud-sdk
    script: |
      gcloud ai models upload --region=us-central1
images: ['gcr.io/$PROJECT_ID/app']
"""


def test_cloud_build() -> None:
    assert commands("cloudbuild.yaml", CLOUDBUILD) == [
        ("docker build -t gcr.io/$PROJECT_ID/app .", 3),
        ("pip install -r requirements.txt", 9),
        ("pytest", 10),
        ("python -m pytest -q", 13),
        ("gcloud ai models upload --region=us-central1", 16),
    ]
    assert [u for u, _ in uses("cloudbuild.yaml", CLOUDBUILD)] == [
        "gcr.io/cloud-builders/docker",
        "python:3.11",
        "python:3.11",
        "gcr.io/google.com/cloudsdktool/cloud-sdk",
    ]
    as_json = '{\n\t"steps": [\n\t\t{"name": "python", "entrypoint": "pytest", "args": ["-x"]}\n\t]\n}\n'
    assert ci_system("cloudbuild.json", as_json) == "cloud-build"
    assert commands("cloudbuild.json", as_json) == [("pytest -x", 3)]
    assert ci_system("cloudbuild.yaml", "substitutions: {}\n") is None
    broken = "steps:\n- name: # TODO\n  args: [\n"
    assert ci_system("cloudbuild.yaml", broken) == "cloud-build"
    with pytest.raises(CiSystemError, match=r"cloudbuild\.yaml: not valid YAML"):
        ci_steps("cloudbuild.yaml", broken)


CIRCLECI = """\
version: 2.1
orbs:
  python: circleci/python@2.1
jobs:
  test:
    docker:
      - image: cimg/python:3.11
    steps:
      - checkout
      - python/install-packages:
          pkg-manager: pip
      - run: pip install .
      - run:
          name: tests
          command: pytest
workflows:
  main:
    jobs:
      - test
      - python/test:
          args: -q
"""


def test_circleci() -> None:
    assert commands(".circleci/config.yml", CIRCLECI) == [("pip install .", 12), ("pytest", 15)]
    assert uses(".circleci/config.yml", CIRCLECI) == [
        ("circleci/python@2.1", 3),
        ("cimg/python:3.11", 7),
        ("python/install-packages", 10),
        ("python/test", 20),
    ]


def test_buildkite_travis_bitbucket_drone_appveyor_tekton() -> None:
    buildkite = 'steps:\n  - label: t\n    command: "pytest"\n    plugins:\n      - docker#v5.9.0:\n          image: python\n  - wait\n  - group: g\n    steps:\n      - commands:\n          - make lint\n'
    assert commands(".buildkite/pipeline.yml", buildkite) == [("pytest", 3), ("make lint", 11)]
    assert ("docker#v5.9.0", 5) in uses(".buildkite/pipeline.yml", buildkite)
    travis = "language: python\ninstall: pip install -r requirements.txt\nscript:\n  - pytest\njobs:\n  include:\n    - script: flake8\n"
    assert commands(".travis.yml", travis) == [
        ("pip install -r requirements.txt", 2),
        ("pytest", 4),
        ("flake8", 7),
    ]
    bitbucket = "image: python:3.11\npipelines:\n  default:\n    - step:\n        script:\n          - pytest\n          - pipe: atlassian/slack-notify:2.0.0\n"
    assert commands("bitbucket-pipelines.yml", bitbucket) == [("pytest", 6)]
    assert uses("bitbucket-pipelines.yml", bitbucket) == [
        ("python:3.11", 1),
        ("atlassian/slack-notify:2.0.0", 7),
    ]
    drone = "kind: pipeline\nsteps:\n  - name: test\n    image: python\n    commands:\n      - pytest\n---\nkind: secret\n"
    assert ci_steps(".drone.yml", drone) == [CiStep("uses", "python", 4), CiStep("command", "pytest", 6)]
    appveyor = "install:\n  - cmd: pip install tox\ntest_script:\n  - ps: tox -e py\n"
    assert commands("appveyor.yml", appveyor) == [("pip install tox", 2), ("tox -e py", 4)]
    tekton = "kind: Task\nspec:\n  steps:\n    - name: t\n      image: python\n      command: [python, -m]\n      args: [pytest]\n    - name: s\n      image: alpine\n      script: |\n        make test\n"
    assert commands(".tekton/task.yaml", tekton) == [("python -m pytest", 6), ("make test", 11)]


JENKINSFILE = """\
@Library('shared-lib') _
pipeline {
    agent { docker { image 'python:3.11' } }
    stages {
        stage('Test') {
            steps {
                // sh 'pytest --commented-out'
                /* sh 'dvc pull'
                   still a comment */
                sh 'pip install -r requirements.txt'
                sh "echo http://example.com//path"
                sh '''
                    python -m pytest
                    mlflow run .
                '''
                sh(script: "dvc repro", returnStdout: true)
                bat 'tox'
                sh label: 'lint', returnStatus: true, encoding: 'UTF-8',
                   script: 'ruff check .'
                sh label: 'no script here'
                echo 'not a step'
                junit 'reports/*.xml'
            }
        }
    }
}
"""


def test_jenkinsfile() -> None:
    steps = ci_steps("Jenkinsfile", JENKINSFILE)
    assert [(s.text, s.line) for s in steps if s.kind == "command"] == [
        ("pip install -r requirements.txt", 10),
        ("echo http://example.com//path", 11),
        ("python -m pytest", 13),
        ("mlflow run .", 14),
        ("dvc repro", 16),
        ("tox", 17),
        ("ruff check .", 19),
    ]
    assert [(s.text, s.line) for s in steps if s.kind == "uses"] == [("shared-lib", 1), ("python:3.11", 3)]


def test_malformed_yaml_is_an_error_with_the_line() -> None:
    with pytest.raises(CiSystemError, match=r"\.github/workflows/ci\.yml: not valid YAML: line 4"):
        ci_steps(".github/workflows/ci.yml", "jobs:\n  t:\n    steps: [\n  - run: x\n")
    assert ci_steps("README.md", "script: pytest") == []


def test_here_document_bodies_are_not_commands() -> None:
    text = (
        "job:\n  script:\n    - |\n      cat <<EOF > report.md\n      run pytest here\n      EOF\n"
        "      python - <<-'PY'\n      import mlflow\n      PY\n      make test\n"
        '      echo $((1 <<x))\n      cat <<< "here string"\n      pytest\n'
    )
    assert commands(".gitlab-ci.yml", text) == [
        ("cat <<EOF > report.md", 4),
        ("python - <<-'PY'", 7),
        ("make test", 10),
        ("echo $((1 <<x))", 11),
        ('cat <<< "here string"', 12),
        ("pytest", 13),
    ]


def test_lone_surrogates_become_replacement_characters() -> None:
    steps = ci_steps(".github/workflows/x.yml", 'jobs:\n  t:\n    steps:\n      - run: "echo \\ud800"\n')
    assert steps == [CiStep("command", "echo ?", 4)]


def test_deeply_nested_yaml_is_an_error_not_a_crash() -> None:
    with pytest.raises(CiSystemError, match="nested too deeply"):
        ci_steps(".gitlab-ci.yml", "a: " + "[" * 5000 + "]" * 5000)
    assert ci_system("ci/x.yml", "a: " + "[" * 5000) is None


def test_an_alias_bomb_is_read_once_per_node() -> None:
    # nine levels of nine aliases: 9**9 commands if expanded, nine nodes as written
    lines = ['a: &a ["echo lol"]']
    lines += [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    text = "\n".join([*lines, "test:", "  script: *i", ""])
    steps = ci_steps(".gitlab-ci.yml", text)
    assert [(s.kind, s.text) for s in steps] == [("command", "echo lol")]
    merge = "\n".join(
        ["k0: &m0 {run: echo}"]
        + [f"k{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 10)}]}}" for i in range(1, 7)]
        + ["jobs: {j: {steps: [*m6]}}", ""]
    )
    assert [s.text for s in ci_steps(".github/workflows/x.yml", merge)] == ["echo"]
