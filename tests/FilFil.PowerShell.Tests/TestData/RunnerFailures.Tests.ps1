# Deliberately failing tests: RunnerMetaTests asserts each outcome. NOT an acceptance test (kept out of tests/acceptance).
Describe 'Failures' {
    It 'passes' {
        1 | Should -Be 1
    }
    It 'fails on a Should' {
        1 | Should -Be 2
    }
    It 'fails on a throw' {
        throw 'boom'
    }
    It 'fails on a non-terminating error' {
        Test-FilFilCar -LiteralPath '/definitely/not/here.car'
    }
    It 'stops at the first failed Should' {
        'b' | Should -Be 'a'
        throw 'never reached'
    }
    It 'fails one of its test cases' -TestCases @(@{ n = 1 }, @{ n = 2 }) {
        param($n)
        $n | Should -Be 1
    }
    It 'is skipped' -Skip {
        throw 'skipped tests do not run'
    }
    It 'inverted -Not fails' {
        'x' | Should -Not -BeNullOrEmpty
        'value' | Should -BeNullOrEmpty
    }
}

Describe 'Broken setup' {
    BeforeAll {
        throw 'setup broke'
    }
    It 'is failed by its BeforeAll' {
        1 | Should -Be 1
    }
}
